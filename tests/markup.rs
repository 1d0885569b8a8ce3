//! `markup` against hostile input: whatever a guide author types, no disallowed link
//! is made, no markup from the input reaches the HTML, nothing panics and nothing is
//! slow. The unit tests in `src/markup/tests.rs` show the dialect itself.

use std::sync::OnceLock;
use std::time::{Duration, Instant};

use proptest::prelude::*;
use regex::Regex;
use waymark::markup::{is_allowed_href, parse, to_html, to_plain_text, Block, Inline};

/// Every tag `to_html` may write. Anything else that looks like a tag came from input.
fn fixed_tags() -> &'static Regex {
    static TAGS: OnceLock<Regex> = OnceLock::new();
    TAGS.get_or_init(|| {
        Regex::new(r#"</?(?:p|ul|ol|li|strong|em|code)>|<a href="[^"<>]*" rel="noopener noreferrer" target="_blank">|</a>"#)
            .unwrap()
    })
}

fn links(blocks: &[Block]) -> Vec<String> {
    fn walk(inlines: &[Inline], out: &mut Vec<String>) {
        for inline in inlines {
            match inline {
                Inline::Link { href, children } => {
                    out.push(href.clone());
                    walk(children, out);
                }
                Inline::Strong(c) | Inline::Emphasis(c) => walk(c, out),
                Inline::Text(_) | Inline::Code(_) => {}
            }
        }
    }
    let mut out = Vec::new();
    for block in blocks {
        match block {
            Block::Paragraph(inlines) => walk(inlines, &mut out),
            Block::BulletList(items) | Block::OrderedList(items) => {
                items.iter().for_each(|i| walk(i, &mut out))
            }
        }
    }
    out
}

/// Checks the safety promises for one source; returns a description of a breach.
fn breach(src: &str) -> Option<String> {
    let blocks = parse(src);
    if let Some(href) = links(&blocks).into_iter().find(|h| !is_allowed_href(h)) {
        return Some(format!("a link to {href:?}"));
    }
    let html = to_html(&blocks);
    if html.to_ascii_lowercase().contains("<script") {
        return Some(format!("<script in {html:?}"));
    }
    let rest = fixed_tags().replace_all(&html, "");
    if rest.contains(['<', '>', '"', '\'']) {
        return Some(format!("unescaped input in {html:?}"));
    }
    None
}

const HOSTILE: &[&str] = &[
    "<script>alert(1)</script>",
    "<SCRIPT SRC=//evil.test/x.js></SCRIPT>",
    "<scr<script>ipt>alert(1)</script>",
    "<img src=x onerror=alert(1)>",
    "<iframe src=\"javascript:alert(1)\"></iframe>",
    "<a href=\"javascript:alert(1)\">click</a>",
    "<!-- x --><style>*{display:none}</style>",
    "&lt;script&gt;alert(1)&lt;/script&gt;",
    "&#60;script&#62;",
    "[x](javascript:alert(1))",
    "[x](JAVASCRIPT:alert(1))",
    "[x](JaVaScRiPt:alert(1))",
    "[x]( javascript:alert(1))",
    "[x](java\tscript:alert(1))",
    "[x](java\nscript:alert(1))",
    "[x](\u{0}javascript:alert(1))",
    "[x](\u{1b}javascript:alert(1))",
    "[x](javascript&#58;alert(1))",
    "[x](&#106;avascript:alert(1))",
    "[x](javascript%3Aalert(1))",
    "[x](vbscript:msgbox(1))",
    "[x](data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==)",
    "[x](DATA:text/html,<script>alert(1)</script>)",
    "[x](//evil.test)",
    "[x](\\javascript:alert(1))",
    "[x](https://ok.test\"onmouseover=\"alert(1))",
    "[x](https://ok.test'onmouseover='alert(1))",
    "[x](https://ok.test/<script>)",
    "[x](https://ok.test)\"><svg onload=alert(1)>",
    "[[x](javascript:alert(1))](https://ok.test)",
    "[a [b](javascript:alert(1)) c](https://ok.test)",
    "[**<script>**](https://ok.test)",
    "[`<script>`](https://ok.test)",
    "[x](https://ok.test)[y](javascript:alert(1))",
    "[[[[[[x]]]]]](https://ok.test)",
    "[x]]]((https://ok.test))",
    "![img](https://ok.test/x.png)",
    "**<b>**",
    "`<script>alert(1)</script>`",
    "\\<script>",
    "- <script>\n1. <img onerror=alert(1)>",
    "*[x](javascript:alert(1))*",
    "[x](mailto:javascript:alert(1))",
];

#[test]
fn hostile_inputs_make_no_bad_link_and_no_markup() {
    for src in HOSTILE {
        assert_eq!(breach(src), None, "for {src:?}");
    }
}

#[test]
fn disallowed_links_stay_literal_text() {
    for src in HOSTILE
        .iter()
        .filter(|s| s.starts_with("[x](") && !s.contains("ok.test") && !s.contains("mailto"))
    {
        assert!(links(&parse(src)).is_empty(), "{src:?} made a link");
        assert!(
            to_plain_text(&parse(src)).contains("]("),
            "{src:?} lost its text"
        );
    }
}

#[test]
fn mailto_links_are_links_even_with_odd_addresses() {
    // Harmless: the browser hands the whole thing to the mail client.
    assert_eq!(
        links(&parse("[x](mailto:javascript:alert(1))")),
        ["mailto:javascript:alert(1)"]
    );
}

/// Generous for unoptimised test builds; in practice each takes a few milliseconds.
const FAST_ENOUGH: Duration = Duration::from_millis(500);

#[test]
fn a_hundred_kilobytes_of_any_one_marker_parses_quickly() {
    let patterns = [
        "*",
        "_",
        "`",
        "[",
        "]",
        "(",
        "\\",
        "*a ",
        "**a",
        "a*",
        "_a ",
        "[a](",
        "](",
        "[a](b",
        "[a](https://x.test/(",
        "`a",
        "- ",
        "1. ",
        "\n",
        "*_",
        "[*",
        "*[",
        "[a](",
    ];
    for pattern in patterns {
        let src = pattern.repeat(100_000 / pattern.len());
        let start = Instant::now();
        let blocks = parse(&src);
        let _ = to_html(&blocks);
        let took = start.elapsed();
        assert!(
            took < FAST_ENOUGH,
            "{pattern:?} × {} took {took:?}",
            src.len() / pattern.len()
        );
    }
}

#[test]
fn deep_nesting_is_rendered_without_overflowing_the_stack() {
    let src = format!(
        "{}x{}",
        "**a [b _c ".repeat(10_000),
        "_](https://x.test) a**".repeat(10_000)
    );
    let blocks = parse(&src);
    assert!(!to_html(&blocks).is_empty());
}

fn markupish() -> impl Strategy<Value = String> {
    let token = proptest::sample::select(vec![
        "*",
        "**",
        "_",
        "__",
        "`",
        "[",
        "]",
        "(",
        ")",
        "](",
        "\\",
        " ",
        "\n",
        "\n\n",
        "- ",
        "* ",
        "1. ",
        "2) ",
        "a",
        "word",
        "é",
        "😀",
        "<",
        ">",
        "&",
        "\"",
        "'",
        "<script>",
        "https://x.test",
        "javascript:",
        "mailto:a@b",
        "\t",
    ]);
    proptest::collection::vec(token, 0..60).prop_map(|tokens| tokens.concat())
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(3000))]

    #[test]
    fn parse_never_panics_on_any_string(src in any::<String>()) {
        let blocks = parse(&src);
        let _ = (to_plain_text(&blocks), to_html(&blocks));
    }

    #[test]
    fn markup_soup_keeps_every_safety_promise(src in markupish()) {
        prop_assert_eq!(breach(&src), None);
    }

    #[test]
    fn arbitrary_text_keeps_every_safety_promise(src in any::<String>()) {
        prop_assert_eq!(breach(&src), None);
    }

    #[test]
    fn text_without_special_characters_comes_back_unchanged(
        paragraphs in proptest::collection::vec(proptest::collection::vec("[a-zA-Z0-9]{1,12}", 1..12), 0..5),
    ) {
        let src = paragraphs.iter().map(|words| words.join(" ")).collect::<Vec<_>>().join("\n\n");
        prop_assert_eq!(to_plain_text(&parse(&src)), src);
    }
}
