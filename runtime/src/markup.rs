//! Step and tip bodies on the page: the core's safe-markdown tree made into DOM nodes.
//!
//! Owns the rendering only: every piece of text becomes a text node
//! (`createElement` and `textContent`; nothing is ever parsed as markup), and a link becomes an
//! anchor only if [`is_allowed_href`] passes again here, since a tree can come from
//! anywhere. Links open in a new tab so the tour is not lost.

use waymark::markup::{is_allowed_href, parse, Block, Inline};
use web_sys::Element;

use crate::dom;

/// Replaces the children of `into` with the rendering of `src`.
pub fn render(into: &Element, src: &str) {
    dom::clear(into);
    for block in parse(src) {
        match block {
            Block::Paragraph(inlines) => {
                if let Some(p) = dom::child(into, "p", "", "") {
                    inline_all(&p, &inlines);
                }
            }
            Block::BulletList(items) => list(into, "ul", &items),
            Block::OrderedList(items) => list(into, "ol", &items),
        }
    }
}

fn list(into: &Element, tag: &str, items: &[Vec<Inline>]) {
    let Some(l) = dom::child(into, tag, "", "") else {
        return;
    };
    for item in items {
        if let Some(li) = dom::child(&l, "li", "", "") {
            inline_all(&li, item);
        }
    }
}

fn inline_all(into: &Element, inlines: &[Inline]) {
    for i in inlines {
        inline(into, i);
    }
}

fn inline(into: &Element, node: &Inline) {
    match node {
        Inline::Text(t) => text(into, t),
        Inline::Strong(c) => wrap(into, "strong", c),
        Inline::Emphasis(c) => wrap(into, "em", c),
        Inline::Code(t) => {
            dom::child(into, "code", "", t);
        }
        Inline::Link { href, children } if is_allowed_href(href) => {
            if let Some(a) = dom::child(into, "a", "", "") {
                dom::attr(&a, "href", href);
                dom::attr(&a, "target", "_blank");
                dom::attr(&a, "rel", "noopener noreferrer");
                inline_all(&a, children);
            }
        }
        // A link that is not allowed is shown as its text.
        Inline::Link { children, .. } => inline_all(into, children),
    }
}

fn wrap(into: &Element, tag: &str, children: &[Inline]) {
    if let Some(e) = dom::child(into, tag, "", "") {
        inline_all(&e, children);
    }
}

fn text(into: &Element, t: &str) {
    if let Some(doc) = into.owner_document() {
        let _ = into.append_child(&doc.create_text_node(t));
    }
}
