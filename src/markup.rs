//! The safe markdown of step bodies, tips and help text, parsed into a node tree.
//!
//! Owns the subset guide authors may write — paragraphs, bullet and numbered lists,
//! `**bold**`, `*italic*`, `` `code` ``, `[links](https://…)` and backslash escapes —
//! what it parses to ([`Block`], [`Inline`]), which link targets are allowed
//! ([`is_allowed_href`]) and two renderings: plain text for screen-reader labels,
//! tickets and search, and escaped HTML for the editor preview and the server.
//!
//! It must never let markup through: anything outside the subset, raw HTML and
//! entities included, stays literal text, and the in-page runtime builds DOM text
//! nodes from the tree rather than HTML. It must not panic or take more than about
//! linear time on any input, since a guide may come from anyone with editor access.

mod inline;

use serde::{Deserialize, Serialize};

use crate::text::push_int;

/// Text-level content.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum Inline {
    /// Plain text, unescaped.
    Text(String),
    /// `**bold**`: strong importance.
    Strong(Vec<Inline>),
    /// `*italic*`: emphasis.
    Emphasis(Vec<Inline>),
    /// `` `code` ``: text shown as code, taken literally.
    Code(String),
    /// Only made by [`parse`] with an `href` that passes [`is_allowed_href`]; renderers
    /// check again, since a tree can also arrive deserialized.
    Link {
        /// Where the link goes.
        href: String,
        /// The link's text.
        children: Vec<Inline>,
    },
}

/// A paragraph or a list; list items are single paragraphs.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum Block {
    /// A paragraph of text.
    Paragraph(Vec<Inline>),
    /// A bullet list (`- item`), one paragraph per item.
    BulletList(Vec<Vec<Inline>>),
    /// A numbered list (`1. item`), one paragraph per item.
    OrderedList(Vec<Vec<Inline>>),
}

/// Parses `src` into blocks. Never fails: whatever is not markup is text.
pub fn parse(src: &str) -> Vec<Block> {
    let mut blocks = Vec::new();
    let mut open = Open::Nothing;
    for line in src.split('\n').map(str::trim) {
        open = match (open, list_item(line)) {
            (open, _) if line.is_empty() => match open {
                Open::List { ordered, items, .. } => Open::List {
                    ordered,
                    items,
                    after_blank: true,
                },
                other => {
                    other.close(&mut blocks);
                    Open::Nothing
                }
            },
            (
                Open::List {
                    ordered, mut items, ..
                },
                Some(item),
            ) if item.ordered == ordered => {
                items.push(item.text.to_owned());
                Open::List {
                    ordered,
                    items,
                    after_blank: false,
                }
            }
            // A numbered line inside a paragraph ("…in\n2019. Then…") is more likely
            // prose than a list, unless it counts from one.
            (Open::Paragraph(mut text), Some(item)) if item.ordered && !item.starts_at_one => {
                text.push(' ');
                text.push_str(line);
                Open::Paragraph(text)
            }
            (other, Some(item)) => {
                other.close(&mut blocks);
                Open::List {
                    ordered: item.ordered,
                    items: vec![item.text.to_owned()],
                    after_blank: false,
                }
            }
            (Open::Paragraph(mut text), None) => {
                text.push(' ');
                text.push_str(line);
                Open::Paragraph(text)
            }
            // A line straight after an item continues it; after a blank line it is prose.
            (
                Open::List {
                    ordered,
                    mut items,
                    after_blank: false,
                },
                None,
            ) => {
                if let Some(last) = items.last_mut() {
                    last.push(' ');
                    last.push_str(line);
                }
                Open::List {
                    ordered,
                    items,
                    after_blank: false,
                }
            }
            (other, None) => {
                other.close(&mut blocks);
                Open::Paragraph(line.to_owned())
            }
        };
    }
    open.close(&mut blocks);
    blocks
}

/// The block being gathered, as raw text; inline parsing waits until it is complete
/// because single newlines inside it are only spaces.
enum Open {
    Nothing,
    Paragraph(String),
    List {
        ordered: bool,
        items: Vec<String>,
        after_blank: bool,
    },
}

impl Open {
    fn close(self, blocks: &mut Vec<Block>) {
        match self {
            Open::Nothing => {}
            Open::Paragraph(text) => blocks.push(Block::Paragraph(inline::parse(&text))),
            Open::List { ordered, items, .. } => {
                let items = items.iter().map(|item| inline::parse(item)).collect();
                blocks.push(if ordered {
                    Block::OrderedList(items)
                } else {
                    Block::BulletList(items)
                });
            }
        }
    }
}

struct ListItem<'a> {
    ordered: bool,
    starts_at_one: bool,
    text: &'a str,
}

/// `- item`, `* item`, `1. item` or `1) item`, on a trimmed line. A marker with
/// nothing after it is not an item, so a lone `-` or `*` stays text.
fn list_item(line: &str) -> Option<ListItem<'_>> {
    fn after_marker(rest: &str) -> Option<&str> {
        let text = rest.strip_prefix([' ', '\t'])?.trim_start();
        (!text.is_empty()).then_some(text)
    }
    if let Some(rest) = line.strip_prefix(['-', '*']) {
        return after_marker(rest).map(|text| ListItem {
            ordered: false,
            starts_at_one: false,
            text,
        });
    }
    let digits = line.bytes().take_while(u8::is_ascii_digit).count();
    if !(1..=9).contains(&digits) {
        return None;
    }
    // `get` rather than indexing: the digits are ASCII, so these never fail, and
    // no panic path is compiled in.
    let text = after_marker(line.get(digits..)?.strip_prefix(['.', ')'])?)?;
    let starts_at_one = line.get(..digits)?.trim_start_matches('0') == "1";
    Some(ListItem {
        ordered: true,
        starts_at_one,
        text,
    })
}

/// The words alone: paragraphs apart by a blank line, list items on their own lines
/// as `- item` or `1. item`, links as their text.
pub fn to_plain_text(blocks: &[Block]) -> String {
    let mut out = String::new();
    for (i, block) in blocks.iter().enumerate() {
        if i > 0 {
            out.push_str("\n\n");
        }
        match block {
            Block::Paragraph(inlines) => plain_inlines(inlines, &mut out),
            Block::BulletList(items) | Block::OrderedList(items) => {
                let ordered = matches!(block, Block::OrderedList(_));
                for (n, item) in items.iter().enumerate() {
                    if n > 0 {
                        out.push('\n');
                    }
                    if ordered {
                        push_int(&mut out, n as u64 + 1);
                        out.push_str(". ");
                    } else {
                        out.push_str("- ");
                    }
                    plain_inlines(item, &mut out);
                }
            }
        }
    }
    out
}

fn plain_inlines(inlines: &[Inline], out: &mut String) {
    for inline in inlines {
        match inline {
            Inline::Text(text) | Inline::Code(text) => out.push_str(text),
            Inline::Strong(children)
            | Inline::Emphasis(children)
            | Inline::Link { children, .. } => plain_inlines(children, out),
        }
    }
}

/// HTML for the editor preview and server-side pages. Every piece of text is
/// escaped and the only tags are `p ul ol li strong em code a`; a link whose href is
/// not allowed renders as its text alone.
pub fn to_html(blocks: &[Block]) -> String {
    let mut out = String::new();
    for (i, block) in blocks.iter().enumerate() {
        if i > 0 {
            out.push('\n');
        }
        match block {
            Block::Paragraph(inlines) => {
                out.push_str("<p>");
                html_inlines(inlines, &mut out);
                out.push_str("</p>");
            }
            Block::BulletList(items) | Block::OrderedList(items) => {
                let tag = if matches!(block, Block::OrderedList(_)) {
                    "ol"
                } else {
                    "ul"
                };
                push_tag(&mut out, "<", tag);
                for item in items {
                    out.push_str("<li>");
                    html_inlines(item, &mut out);
                    out.push_str("</li>");
                }
                push_tag(&mut out, "</", tag);
            }
        }
    }
    out
}

fn html_inlines(inlines: &[Inline], out: &mut String) {
    for inline in inlines {
        match inline {
            Inline::Text(text) => escape_html(text, out),
            Inline::Code(text) => {
                out.push_str("<code>");
                escape_html(text, out);
                out.push_str("</code>");
            }
            Inline::Strong(children) => wrap("strong", children, out),
            Inline::Emphasis(children) => wrap("em", children, out),
            Inline::Link { href, children } if is_allowed_href(href) => {
                out.push_str("<a href=\"");
                escape_html(href, out);
                out.push_str("\" rel=\"noopener noreferrer\" target=\"_blank\">");
                html_inlines(children, out);
                out.push_str("</a>");
            }
            Inline::Link { children, .. } => html_inlines(children, out),
        }
    }
}

fn wrap(tag: &str, children: &[Inline], out: &mut String) {
    push_tag(out, "<", tag);
    html_inlines(children, out);
    push_tag(out, "</", tag);
}

/// `<tag>` or `</tag>` (`open` is `<` or `</`).
fn push_tag(out: &mut String, open: &str, tag: &str) {
    out.push_str(open);
    out.push_str(tag);
    out.push('>');
}

/// Escapes for both element content and double- or single-quoted attributes.
fn escape_html(text: &str, out: &mut String) {
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            c => out.push(c),
        }
    }
}

/// Whether a link may point at `href`: `http:`, `https:` and `mailto:` only, the
/// scheme in any case.
///
/// An allow-list, because browsers forgive a lot: they strip leading spaces and
/// control characters and drop tabs and newlines anywhere, so `" javascript:"` and
/// `"java\tscript:"` both run script. Rather than imitate that, any whitespace or
/// control character anywhere refuses the href. Relative URLs are refused too: a
/// guide runs inside someone else's app, where "relative" means that app.
pub fn is_allowed_href(href: &str) -> bool {
    const SCHEMES: [&str; 3] = ["http:", "https:", "mailto:"];
    if href.chars().any(|c| c.is_control() || c.is_whitespace()) {
        return false;
    }
    let bytes = href.as_bytes();
    SCHEMES.iter().any(|scheme| {
        bytes
            .get(..scheme.len())
            .is_some_and(|b| b.eq_ignore_ascii_case(scheme.as_bytes()))
    })
}

#[cfg(test)]
mod tests;
