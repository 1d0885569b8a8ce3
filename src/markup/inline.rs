//! Inline parsing: emphasis, code spans, links and escapes within one block.
//!
//! One left-to-right pass over the bytes. Nodes go into a flat list; an opening
//! marker goes in as a placeholder text node and onto a stack of open frames. A
//! closing marker finds its frame, folds everything after the placeholder into a
//! `Strong`, `Emphasis` or `Link`, and drops the frames above it, whose placeholders
//! simply stay text. Whatever is left open at the end is already literal, so nothing
//! is ever re-scanned: the work is linear, apart from a search of the stack, which
//! [`MAX_OPEN`] keeps short (and which bounds the tree's depth for the renderers).

use super::{is_allowed_href, Inline};

/// Open markers beyond this many stay literal text.
pub(super) const MAX_OPEN: usize = 32;

/// What a backslash can make literal.
const ESCAPABLE: &[u8] = b"*_`[]()\\";

#[derive(Clone, Copy)]
enum Frame {
    /// `at` is the index of the marker's placeholder in `Parser::out`; `both` says
    /// the run could have closed too (it sat inside a word).
    Emphasis {
        marker: u8,
        strong: bool,
        both: bool,
        at: usize,
    },
    /// Inactive once a link has closed inside it: links do not nest.
    Bracket { at: usize, active: bool },
}

struct Parser<'a> {
    src: &'a str,
    out: Vec<Inline>,
    open: Vec<Frame>,
    /// Start of the literal text not yet pushed to `out`.
    pending: usize,
    /// Set once a backtick has found no closer, since no later one will either.
    no_more_backticks: bool,
}

pub(super) fn parse(src: &str) -> Vec<Inline> {
    let mut p = Parser {
        src,
        out: Vec::new(),
        open: Vec::new(),
        pending: 0,
        no_more_backticks: false,
    };
    let bytes = src.as_bytes();
    let mut i = 0;
    while i < bytes.len() {
        i = match bytes[i] {
            b'\\' if bytes.get(i + 1).is_some_and(|b| ESCAPABLE.contains(b)) => {
                p.flush(i);
                p.pending = i + 1;
                i + 2
            }
            b'`' => p.code_span(i),
            b'*' | b'_' => p.delimiter_run(i),
            b'[' if p.open.len() < MAX_OPEN => {
                let at = p.push_marker(i, i + 1);
                p.open.push(Frame::Bracket { at, active: true });
                i + 1
            }
            b']' => p.close_bracket(i),
            _ => i + 1,
        };
    }
    p.flush(bytes.len());
    merge_text(p.out)
}

impl Parser<'_> {
    /// `src[from..to]`. The parser only cuts next to ASCII markers, so this always
    /// succeeds; unlike indexing, it compiles no panic path into the runtime.
    fn slice(&self, from: usize, to: usize) -> &str {
        self.src.get(from..to).unwrap_or_default()
    }

    /// Pushes the literal text before `to`.
    fn flush(&mut self, to: usize) {
        if to > self.pending {
            self.out
                .push(Inline::Text(self.slice(self.pending, to).to_owned()));
        }
        self.pending = to;
    }

    /// Pushes `src[from..to]` as the placeholder of a marker; returns its index.
    fn push_marker(&mut self, from: usize, to: usize) -> usize {
        self.flush(from);
        self.out.push(Inline::Text(self.slice(from, to).to_owned()));
        self.pending = to;
        self.out.len() - 1
    }

    /// Replaces the placeholder at `at` and everything after it by one node.
    fn fold(&mut self, at: usize, make: impl FnOnce(Vec<Inline>) -> Inline) {
        let children = merge_text(self.out.split_off(at + 1));
        self.out.truncate(at);
        self.out.push(make(children));
    }

    /// A backtick opens code up to the next backtick; inside, nothing is markup, not
    /// even a backslash. An empty pair or a lone backtick is literal.
    fn code_span(&mut self, i: usize) -> usize {
        if self.no_more_backticks {
            return i + 1;
        }
        match self.slice(i + 1, self.src.len()).find('`') {
            None => {
                self.no_more_backticks = true;
                i + 1
            }
            Some(0) => i + 2,
            Some(len) => {
                self.flush(i);
                self.out
                    .push(Inline::Code(self.slice(i + 1, i + 1 + len).to_owned()));
                self.pending = i + len + 2;
                i + len + 2
            }
        }
    }

    /// A run of `*` or `_`: closes what it can, then opens with the rest (one for
    /// emphasis, two for strong, three for both) if it may open, else stays text.
    /// Runs of four or more are always text.
    fn delimiter_run(&mut self, i: usize) -> usize {
        let bytes = self.src.as_bytes();
        let marker = bytes[i];
        let end = i + bytes[i..].iter().take_while(|&&b| b == marker).count();
        let mut left = end - i;
        if left > 3 {
            return end;
        }
        let before = self.slice(0, i).chars().next_back();
        let after = self.slice(end, self.src.len()).chars().next();
        let (can_open, can_close) = flanking(marker, before, after);
        let both = can_open && can_close;
        if can_close {
            self.flush(i);
            left = self.close_emphasis(marker, left, both);
            self.pending = end - left;
        }
        if left > 0 && can_open && self.open.len() + left.min(2) <= MAX_OPEN {
            let from = end - left;
            // Three open as strong then emphasis, so `***a***` is strong(emphasis(a)).
            if left >= 2 {
                let at = self.push_marker(from, from + 2);
                self.open.push(Frame::Emphasis {
                    marker,
                    strong: true,
                    both,
                    at,
                });
            }
            if left != 2 {
                let at = self.push_marker(end - 1, end);
                self.open.push(Frame::Emphasis {
                    marker,
                    strong: false,
                    both,
                    at,
                });
            }
        }
        end
    }

    /// Closes open emphasis with up to `left` markers; returns how many are unused.
    /// A frame is only closed by markers of its own kind and never across a bracket,
    /// so emphasis cannot straddle a link's edge.
    ///
    /// CommonMark's "rule of three" decides between an intraword marker and an outer
    /// one: in `**a*b**` the lone `*` cannot pair with the `**`, so the strong wins.
    fn close_emphasis(&mut self, marker: u8, mut left: usize, closer_both: bool) -> usize {
        while left > 0 {
            let found = self.open.iter().rposition(|f| match *f {
                Frame::Bracket { .. } => true,
                Frame::Emphasis {
                    marker: m,
                    strong,
                    both,
                    ..
                } => {
                    let len = if strong { 2 } else { 1 };
                    m == marker && len <= left && !((both || closer_both) && (len + left) % 3 == 0)
                }
            });
            let Some(n) = found else { break };
            let Frame::Emphasis { strong, at, .. } = self.open[n] else {
                break;
            };
            self.open.truncate(n);
            self.fold(
                at,
                if strong {
                    Inline::Strong
                } else {
                    Inline::Emphasis
                },
            );
            left -= if strong { 2 } else { 1 };
        }
        left
    }

    /// `]` makes a link of its bracket when followed by `(href)` with an allowed
    /// href. A well-formed link to anything else stays literal, destination and all.
    fn close_bracket(&mut self, i: usize) -> usize {
        let bracket = self
            .open
            .iter()
            .enumerate()
            .rev()
            .find_map(|(n, f)| match *f {
                Frame::Bracket { at, active } => Some((n, at, active)),
                Frame::Emphasis { .. } => None,
            });
        let Some((n, at, active)) = bracket else {
            return i + 1;
        };
        let destination = if active {
            destination(self.src, i + 1)
        } else {
            None
        };
        match destination {
            Some((href, end)) if is_allowed_href(&href) => {
                self.flush(i);
                self.open.truncate(n);
                self.fold(at, |children| {
                    // An empty link text would be an invisible, unlabelled link.
                    let children = if children.is_empty() {
                        vec![Inline::Text(href.clone())]
                    } else {
                        children
                    };
                    Inline::Link { href, children }
                });
                for frame in &mut self.open {
                    if let Frame::Bracket { active, .. } = frame {
                        *active = false;
                    }
                }
                self.pending = end;
                end
            }
            Some((_, end)) => {
                self.open.remove(n);
                end
            }
            None => {
                self.open.remove(n);
                i + 1
            }
        }
    }
}

/// Parses `(href)` at `i`; returns the href, unescaped, and the index after `)`.
///
/// Balanced parentheses may appear inside (`…/Rust_(language)`); whitespace, control
/// characters and square brackets may not. Stopping at brackets keeps the whole
/// parse linear: each scan starts after a `]` and ends before the next one.
fn destination(src: &str, i: usize) -> Option<(String, usize)> {
    let bytes = src.as_bytes();
    if bytes.get(i) != Some(&b'(') {
        return None;
    }
    let skip_spaces = |mut k: usize| {
        while bytes.get(k).is_some_and(|b| *b == b' ' || *b == b'\t') {
            k += 1;
        }
        k
    };
    let mut k = skip_spaces(i + 1);
    let mut href = Vec::new();
    let mut depth = 0usize;
    while let Some(&b) = bytes.get(k) {
        match b {
            b'\\' if bytes.get(k + 1).is_some_and(|n| b"()\\".contains(n)) => {
                href.push(bytes[k + 1]);
                k += 2;
                continue;
            }
            b'(' => depth += 1,
            b')' if depth == 0 => break,
            b')' => depth -= 1,
            b'[' | b']' => return None,
            b if b.is_ascii_whitespace() || b.is_ascii_control() => break,
            _ => {}
        }
        href.push(b);
        k += 1;
    }
    let k = skip_spaces(k);
    if href.is_empty() || bytes.get(k) != Some(&b')') {
        return None;
    }
    // Only whole ASCII bytes were taken out, so the rest is still UTF-8.
    Some((String::from_utf8(href).ok()?, k + 1))
}

/// Whether a run of `marker` between `before` and `after` may open and may close,
/// after CommonMark's flanking rules: an opener must hug the text after it, a closer
/// the text before it. `_` must also not be inside a word, so `snake_case` is text.
fn flanking(marker: u8, before: Option<char>, after: Option<char>) -> (bool, bool) {
    let (b, a) = (class(before), class(after));
    let left = a != Class::Space && (a != Class::Punct || b != Class::Word);
    let right = b != Class::Space && (b != Class::Punct || a != Class::Word);
    if marker == b'_' {
        (
            left && (!right || b == Class::Punct),
            right && (!left || a == Class::Punct),
        )
    } else {
        (left, right)
    }
}

#[derive(Clone, Copy, PartialEq, Eq)]
enum Class {
    /// Whitespace, or the start or end of the text.
    Space,
    /// Neither whitespace nor alphanumeric.
    Punct,
    /// Alphanumeric.
    Word,
}

/// One place for the Unicode lookups (their code is large), whichever side asks.
#[inline(never)]
fn class(c: Option<char>) -> Class {
    match c {
        None => Class::Space,
        Some(c) if c.is_whitespace() => Class::Space,
        Some(c) if c.is_alphanumeric() => Class::Word,
        Some(_) => Class::Punct,
    }
}

/// Joins neighbouring text nodes and drops empty ones.
fn merge_text(nodes: Vec<Inline>) -> Vec<Inline> {
    let mut merged: Vec<Inline> = Vec::with_capacity(nodes.len());
    for node in nodes {
        match (node, merged.last_mut()) {
            (Inline::Text(text), _) if text.is_empty() => {}
            (Inline::Text(text), Some(Inline::Text(last))) => last.push_str(&text),
            (node, _) => merged.push(node),
        }
    }
    merged
}
