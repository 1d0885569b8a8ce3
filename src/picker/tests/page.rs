//! A small page for the picker's tests: parses well-formed server-rendered HTML,
//! reads [`Picked`] facts from it the way the runtime's pick mode does, and counts
//! what a candidate selector matches, as `querySelectorAll` plus the runtime's text
//! filter would. It understands the CSS the picker writes (tags, `#id`, `.class`,
//! `[attr=value]`, `:nth-of-type(n)`, descendant and `>` combinators) and panics on
//! anything else, so a selector the picker should not write fails the test.

use super::super::STABLE_ATTRIBUTES;
use super::super::{Candidate, ElementFacts, Picked, MAX_ANCESTORS, READ_ATTRIBUTES};

#[derive(Debug)]
struct Node {
    tag: String,
    attrs: Vec<(String, String)>,
    parent: Option<usize>,
    children: Vec<usize>,
    /// Text directly inside, in order with the children: (before child i, text).
    text: Vec<(usize, String)>,
}

/// A parsed page: element 0 is `html`.
pub struct Page {
    nodes: Vec<Node>,
}

const VOID: [&str; 6] = ["input", "br", "img", "meta", "link", "hr"];

impl Page {
    pub fn parse(html: &str) -> Page {
        let mut nodes = vec![Node {
            tag: "html".into(),
            attrs: vec![],
            parent: None,
            children: vec![],
            text: vec![],
        }];
        let mut open = vec![0usize];
        let mut rest = html;
        while !rest.is_empty() {
            let top = *open.last().unwrap();
            match rest.find('<') {
                Some(0) => {}
                Some(i) => {
                    push_text(&mut nodes[top], &rest[..i]);
                    rest = &rest[i..];
                }
                None => {
                    push_text(&mut nodes[top], rest);
                    break;
                }
            }
            let end = rest.find('>').expect("an unclosed tag");
            let inner = &rest[1..end];
            rest = &rest[end + 1..];
            if inner.starts_with('!') {
                continue;
            }
            if let Some(closing) = inner.strip_prefix('/') {
                let tag = closing.trim().to_ascii_lowercase();
                let popped = open.pop().expect("a close tag without an open one");
                assert_eq!(nodes[popped].tag, tag, "mismatched </{tag}>");
                continue;
            }
            let (tag, attrs) = parse_tag(inner.trim_end_matches('/'));
            let id = nodes.len();
            nodes.push(Node {
                tag: tag.clone(),
                attrs,
                parent: Some(top),
                children: vec![],
                text: vec![],
            });
            nodes[top].children.push(id);
            if !VOID.contains(&tag.as_str()) && !inner.ends_with('/') {
                open.push(id);
            }
        }
        assert_eq!(open, [0], "unclosed elements");
        Page { nodes }
    }

    /// The first element matching `css`; panics if none does.
    pub fn find(&self, css: &str) -> usize {
        *self
            .select(css)
            .first()
            .unwrap_or_else(|| panic!("nothing matches {css}"))
    }

    /// The `n`th (0-based) element matching `css`.
    pub fn nth(&self, css: &str, n: usize) -> usize {
        self.select(css)[n]
    }

    /// What the runtime reads when the agent clicks element `el`.
    pub fn picked(&self, el: usize) -> Picked {
        let mut ancestors = Vec::new();
        let mut node = self.nodes[el].parent;
        while let Some(n) = node.filter(|&n| !matches!(self.nodes[n].tag.as_str(), "html" | "body"))
        {
            if ancestors.len() >= MAX_ANCESTORS {
                break;
            }
            ancestors.push(self.facts(n));
            node = self.nodes[n].parent;
        }
        Picked {
            element: self.facts(el),
            ancestors,
        }
    }

    /// Candidates for `picked` counted on this page.
    pub fn count_all(&self, list: &mut [Candidate]) {
        for c in list {
            c.matches = self.count(&c.css, c.text.as_deref());
        }
    }

    /// How many elements match `css` and contain `text` (content or aria-label,
    /// case-insensitive), as the runtime counts them.
    pub fn count(&self, css: &str, text: Option<&str>) -> u32 {
        let needle = text.map(str::to_lowercase);
        self.select(css)
            .into_iter()
            .filter(|&el| {
                needle.as_ref().is_none_or(|t| {
                    self.text_content(el).to_lowercase().contains(t)
                        || self
                            .attr(el, "aria-label")
                            .unwrap_or("")
                            .to_lowercase()
                            .contains(t)
                })
            })
            .count() as u32
    }

    fn facts(&self, el: usize) -> ElementFacts {
        let node = &self.nodes[el];
        let mut f = ElementFacts::new(&node.tag);
        f.id = self
            .attr(el, "id")
            .filter(|id| !id.is_empty())
            .map(str::to_owned);
        for name in STABLE_ATTRIBUTES.iter().chain(READ_ATTRIBUTES.iter()) {
            if let Some(v) = self.attr(el, name) {
                f.attributes.push(((*name).to_owned(), v.to_owned()));
            }
        }
        f.classes = self
            .attr(el, "class")
            .unwrap_or("")
            .split_whitespace()
            .map(str::to_owned)
            .collect();
        f.text = self.text_content(el);
        f.label = self.label(el);
        if let Some(parent) = node.parent {
            let same: Vec<usize> = self.nodes[parent]
                .children
                .iter()
                .copied()
                .filter(|&c| self.nodes[c].tag == node.tag)
                .collect();
            f.of_type = same.len() as u32;
            f.nth_of_type = same.iter().position(|&c| c == el).unwrap() as u32 + 1;
        }
        f
    }

    /// `<label for>` or a wrapping `<label>`, as the runtime reads it.
    fn label(&self, el: usize) -> Option<String> {
        if !matches!(self.nodes[el].tag.as_str(), "input" | "select" | "textarea") {
            return None;
        }
        let text =
            |l: usize| Some(self.text_content(l).trim().to_owned()).filter(|t| !t.is_empty());
        if let Some(id) = self.attr(el, "id") {
            let found = (0..self.nodes.len())
                .find(|&l| self.nodes[l].tag == "label" && self.attr(l, "for") == Some(id));
            if let Some(label) = found.and_then(text) {
                return Some(label);
            }
        }
        let mut node = self.nodes[el].parent;
        while let Some(n) = node {
            if self.nodes[n].tag == "label" {
                return text(n);
            }
            node = self.nodes[n].parent;
        }
        None
    }

    fn attr(&self, el: usize, name: &str) -> Option<&str> {
        self.nodes[el]
            .attrs
            .iter()
            .find(|(n, _)| n == name)
            .map(|(_, v)| v.as_str())
    }

    fn text_content(&self, el: usize) -> String {
        let node = &self.nodes[el];
        let mut out = String::new();
        for (i, &child) in node.children.iter().enumerate() {
            for (_, t) in node.text.iter().filter(|(before, _)| *before == i) {
                out.push_str(t);
            }
            out.push_str(&self.text_content(child));
        }
        for (_, t) in node
            .text
            .iter()
            .filter(|(before, _)| *before >= node.children.len())
        {
            out.push_str(t);
        }
        out
    }

    /// Every element matching `css`, in document order.
    fn select(&self, css: &str) -> Vec<usize> {
        let steps = parse_selector(css);
        (0..self.nodes.len())
            .filter(|&el| self.matches_from(el, &steps, steps.len() - 1))
            .collect()
    }

    fn matches_from(&self, el: usize, steps: &[(Combinator, Compound)], i: usize) -> bool {
        let (combinator, compound) = &steps[i];
        if !self.matches_compound(el, compound) {
            return false;
        }
        if i == 0 {
            return true;
        }
        let mut node = self.nodes[el].parent;
        match combinator {
            Combinator::Child => node.is_some_and(|p| self.matches_from(p, steps, i - 1)),
            Combinator::Descendant => {
                while let Some(p) = node {
                    if self.matches_from(p, steps, i - 1) {
                        return true;
                    }
                    node = self.nodes[p].parent;
                }
                false
            }
        }
    }

    fn matches_compound(&self, el: usize, c: &Compound) -> bool {
        let node = &self.nodes[el];
        if c.tag.as_ref().is_some_and(|t| *t != node.tag) {
            return false;
        }
        let classes: Vec<&str> = self
            .attr(el, "class")
            .unwrap_or("")
            .split_whitespace()
            .collect();
        if !c.classes.iter().all(|k| classes.contains(&k.as_str())) {
            return false;
        }
        for (name, value) in &c.attrs {
            let have = self.attr(el, name);
            // HTML matches `type` case-insensitively.
            let same = match have {
                Some(h) if name == "type" => h.eq_ignore_ascii_case(value),
                Some(h) => h == value,
                None => false,
            };
            if !same {
                return false;
            }
        }
        if let Some(n) = c.nth_of_type {
            let Some(parent) = node.parent else {
                return false;
            };
            let position = self.nodes[parent]
                .children
                .iter()
                .filter(|&&s| self.nodes[s].tag == node.tag)
                .position(|&s| s == el);
            if position != Some(n - 1) {
                return false;
            }
        }
        true
    }
}

fn push_text(node: &mut Node, text: &str) {
    if !text.is_empty() {
        let at = node.children.len();
        node.text.push((at, decode(text)));
    }
}

fn decode(s: &str) -> String {
    s.replace("&amp;", "&")
        .replace("&lt;", "<")
        .replace("&gt;", ">")
        .replace("&quot;", "\"")
}

fn parse_tag(inner: &str) -> (String, Vec<(String, String)>) {
    let inner = inner.trim();
    let (tag, mut rest) = inner.split_at(inner.find(char::is_whitespace).unwrap_or(inner.len()));
    let mut attrs = Vec::new();
    loop {
        rest = rest.trim_start();
        if rest.is_empty() {
            break;
        }
        let name_end = rest
            .find(|c: char| c == '=' || c.is_whitespace())
            .unwrap_or(rest.len());
        let name = rest[..name_end].to_ascii_lowercase();
        rest = &rest[name_end..];
        let value = if let Some(after) = rest.strip_prefix('=') {
            let (value, after) = match after.chars().next() {
                Some(q @ ('"' | '\'')) => {
                    let close = after[1..].find(q).expect("an unclosed attribute value") + 1;
                    (&after[1..close], &after[close + 1..])
                }
                _ => {
                    let end = after.find(char::is_whitespace).unwrap_or(after.len());
                    (&after[..end], &after[end..])
                }
            };
            rest = after;
            decode(value)
        } else {
            String::new()
        };
        attrs.push((name, value));
    }
    (tag.to_ascii_lowercase(), attrs)
}

#[derive(Debug)]
enum Combinator {
    Descendant,
    Child,
}

#[derive(Debug, Default)]
struct Compound {
    tag: Option<String>,
    classes: Vec<String>,
    attrs: Vec<(String, String)>,
    nth_of_type: Option<usize>,
}

/// The picker's CSS into steps; panics on what it does not understand.
fn parse_selector(css: &str) -> Vec<(Combinator, Compound)> {
    let chars: Vec<char> = css.chars().collect();
    let mut i = 0;
    let mut steps = Vec::new();
    let mut combinator = Combinator::Descendant;
    let ident = |i: &mut usize| {
        let start = *i;
        while *i < chars.len() && (chars[*i].is_alphanumeric() || matches!(chars[*i], '-' | '_')) {
            *i += 1;
        }
        assert!(*i > start, "expected a name at {start} in {css}");
        chars[start..*i].iter().collect::<String>()
    };
    while i < chars.len() {
        let mut c = Compound::default();
        if chars[i].is_alphabetic() {
            c.tag = Some(ident(&mut i));
        }
        loop {
            match chars.get(i) {
                Some('#') => {
                    i += 1;
                    c.attrs.push(("id".into(), ident(&mut i)));
                }
                Some('.') => {
                    i += 1;
                    c.classes.push(ident(&mut i));
                }
                Some('[') => {
                    i += 1;
                    let name = ident(&mut i);
                    assert_eq!(chars[i], '=', "only [attr=value] in {css}");
                    i += 1;
                    let value = if chars[i] == '"' {
                        i += 1;
                        let mut v = String::new();
                        while chars[i] != '"' {
                            if chars[i] == '\\' {
                                i += 1;
                                if chars[i] == 'a' && chars.get(i + 1) == Some(&' ') {
                                    v.push('\n');
                                    i += 2;
                                    continue;
                                }
                            }
                            v.push(chars[i]);
                            i += 1;
                        }
                        i += 1;
                        v
                    } else {
                        ident(&mut i)
                    };
                    assert_eq!(chars[i], ']', "unclosed [ in {css}");
                    i += 1;
                    c.attrs.push((name, value));
                }
                Some(':') => {
                    let rest: String = chars[i..].iter().collect();
                    let inner = rest
                        .strip_prefix(":nth-of-type(")
                        .unwrap_or_else(|| panic!("only :nth-of-type in {css}"));
                    let close = inner.find(')').unwrap();
                    c.nth_of_type = Some(inner[..close].parse().unwrap());
                    i += ":nth-of-type(".len() + close + 1;
                }
                _ => break,
            }
        }
        steps.push((combinator, c));
        let mut saw_space = false;
        while chars.get(i) == Some(&' ') {
            saw_space = true;
            i += 1;
        }
        combinator = if chars.get(i) == Some(&'>') {
            i += 1;
            while chars.get(i) == Some(&' ') {
                i += 1;
            }
            Combinator::Child
        } else {
            assert!(
                saw_space || i >= chars.len(),
                "unexpected {:?} in {css}",
                chars.get(i)
            );
            Combinator::Descendant
        };
    }
    steps
}
