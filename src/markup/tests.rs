//! One group per construct; each test reads as an example of the dialect.

use super::*;
use Inline::{Code, Emphasis as Em, Strong};

fn t(s: &str) -> Inline {
    Inline::Text(s.to_owned())
}

fn link(href: &str, children: Vec<Inline>) -> Inline {
    Inline::Link {
        href: href.to_owned(),
        children,
    }
}

/// The inlines of a source that must parse to exactly one paragraph.
fn para(src: &str) -> Vec<Inline> {
    match parse(src).as_slice() {
        [Block::Paragraph(inlines)] => inlines.clone(),
        other => panic!("{src:?} gave {other:?}"),
    }
}

// ---- paragraphs ----

#[test]
fn blank_lines_separate_paragraphs_and_single_newlines_are_spaces() {
    let blocks = parse("Open the\nSettings page.\n\n  \nThen save.");
    assert_eq!(
        blocks,
        vec![
            Block::Paragraph(vec![t("Open the Settings page.")]),
            Block::Paragraph(vec![t("Then save.")])
        ]
    );
}

#[test]
fn empty_or_blank_input_gives_no_blocks() {
    assert_eq!(parse(""), vec![]);
    assert_eq!(parse(" \n\t\r\n"), vec![]);
}

#[test]
fn windows_line_endings_are_understood() {
    assert_eq!(parse("a\r\nb\r\n\r\nc").len(), 2);
}

// ---- emphasis ----

#[test]
fn double_asterisks_and_underscores_make_strong() {
    assert_eq!(
        para("a **b** c"),
        vec![t("a "), Strong(vec![t("b")]), t(" c")]
    );
    assert_eq!(para("__b__"), vec![Strong(vec![t("b")])]);
}

#[test]
fn single_asterisks_and_underscores_make_emphasis() {
    assert_eq!(
        para("*b* and _c_"),
        vec![Em(vec![t("b")]), t(" and "), Em(vec![t("c")])]
    );
}

#[test]
fn underscores_inside_words_stay_literal() {
    assert_eq!(
        para("set max_retry_count and __init__ly"),
        vec![t("set max_retry_count and __init__ly")]
    );
}

#[test]
fn asterisks_may_emphasise_part_of_a_word() {
    assert_eq!(
        para("un*believ*able"),
        vec![t("un"), Em(vec![t("believ")]), t("able")]
    );
}

#[test]
fn three_markers_make_strong_emphasis() {
    assert_eq!(para("***both***"), vec![Strong(vec![Em(vec![t("both")])])]);
}

#[test]
fn strong_and_emphasis_nest_both_ways() {
    assert_eq!(
        para("**a *b* c**"),
        vec![Strong(vec![t("a "), Em(vec![t("b")]), t(" c")])]
    );
    assert_eq!(
        para("_a **b** c_"),
        vec![Em(vec![t("a "), Strong(vec![t("b")]), t(" c")])]
    );
}

#[test]
fn unclosed_or_spaced_markers_stay_literal() {
    for src in [
        "**bold",
        "*a",
        "a * b * c",
        "2*3 = 6 but 2 * 3",
        "** not **",
        "_a",
        "****",
        "a ***",
        "a_",
    ] {
        assert_eq!(para(src), vec![t(src)], "{src:?}");
    }
}

#[test]
fn an_intraword_marker_does_not_steal_the_closer_of_an_outer_one() {
    assert_eq!(para("**a*b**"), vec![Strong(vec![t("a*b")])]);
    assert_eq!(para("*a**b*"), vec![Em(vec![t("a**b")])]);
}

#[test]
fn a_marker_inside_emphasis_that_does_not_close_stays_literal() {
    assert_eq!(para("*a **b*"), vec![Em(vec![t("a **b")])]);
}

// ---- code ----

#[test]
fn backticks_make_code_with_no_markup_inside() {
    assert_eq!(
        para("run `a *b* [c](https://x.test) \\` now"),
        vec![
            t("run "),
            Code("a *b* [c](https://x.test) \\".into()),
            t(" now")
        ]
    );
}

#[test]
fn a_lone_backtick_or_an_empty_pair_stays_literal() {
    assert_eq!(para("it's ` here"), vec![t("it's ` here")]);
    assert_eq!(
        para("`` and `x` and `"),
        vec![t("`` and "), Code("x".into()), t(" and `")]
    );
}

// ---- links ----

#[test]
fn a_link_needs_an_allowed_href() {
    assert_eq!(
        para("see [the docs](https://x.test/a?b=1#c)"),
        vec![
            t("see "),
            link("https://x.test/a?b=1#c", vec![t("the docs")])
        ]
    );
    assert_eq!(
        para("[mail](MAILTO:it@x.test)"),
        vec![link("MAILTO:it@x.test", vec![t("mail")])]
    );
}

#[test]
fn a_link_to_anything_else_stays_literal_destination_and_all() {
    for src in [
        "[x](javascript:alert(1))",
        "[x](/relative/path)",
        "[x](data:text/html,hi)",
        "[x](#top)",
    ] {
        assert_eq!(para(src), vec![t(src)]);
    }
}

#[test]
fn link_text_may_hold_strong_emphasis_and_code() {
    assert_eq!(
        para("[**Save** *now* `F5`](https://x.test)"),
        vec![link(
            "https://x.test",
            vec![
                Strong(vec![t("Save")]),
                t(" "),
                Em(vec![t("now")]),
                t(" "),
                Code("F5".into())
            ]
        )]
    );
}

#[test]
fn strong_and_emphasis_may_hold_links_and_code() {
    assert_eq!(
        para("**see [docs](https://x.test) or `help`**"),
        vec![Strong(vec![
            t("see "),
            link("https://x.test", vec![t("docs")]),
            t(" or "),
            Code("help".into())
        ])]
    );
}

#[test]
fn links_do_not_nest_the_inner_one_wins() {
    assert_eq!(
        para("[a [b](https://b.test) c](https://a.test)"),
        vec![
            t("[a "),
            link("https://b.test", vec![t("b")]),
            t(" c](https://a.test)")
        ]
    );
}

#[test]
fn emphasis_does_not_straddle_a_link_edge() {
    assert_eq!(
        para("*a [b* c](https://x.test)"),
        vec![t("*a "), link("https://x.test", vec![t("b* c")])]
    );
}

#[test]
fn balanced_and_escaped_parentheses_may_appear_in_an_href() {
    let wiki = "https://en.wikipedia.org/wiki/Rust_(programming_language)";
    assert_eq!(
        para(&format!("[Rust]({wiki})")),
        vec![link(wiki, vec![t("Rust")])]
    );
    assert_eq!(
        para(r"[x](https://x.test/\))"),
        vec![link("https://x.test/)", vec![t("x")])]
    );
}

#[test]
fn an_empty_link_text_shows_the_href() {
    assert_eq!(
        para("[](https://x.test)"),
        vec![link("https://x.test", vec![t("https://x.test")])]
    );
}

#[test]
fn brackets_that_are_not_links_stay_literal() {
    for src in [
        "[note]",
        "[a] (https://x.test)",
        "[a](https://x.test",
        "[a](https://x.test y)",
        "a]b",
        "[a]()",
    ] {
        assert_eq!(para(src), vec![t(src)], "{src:?}");
    }
}

// ---- escapes and raw HTML ----

#[test]
fn a_backslash_makes_the_next_marker_literal() {
    assert_eq!(
        para(r"\*not\* \_this\_ \`x\` \[a\]\(b\) \\"),
        vec![t(r"*not* _this_ `x` [a](b) \")]
    );
}

#[test]
fn a_backslash_before_anything_else_is_itself() {
    assert_eq!(para(r"C:\Users\n"), vec![t(r"C:\Users\n")]);
}

#[test]
fn raw_html_and_entities_are_plain_text() {
    let src = "<script>alert(1)</script> <img src=x onerror=alert(1)> &lt;b&gt; &amp;";
    assert_eq!(para(src), vec![t(src)]);
}

// ---- lists ----

#[test]
fn dashes_and_asterisks_start_bullet_items() {
    let items = vec![vec![t("one")], vec![Strong(vec![t("two")])]];
    assert_eq!(parse("- one\n* **two**"), vec![Block::BulletList(items)]);
}

#[test]
fn numbers_with_a_dot_or_parenthesis_start_ordered_items() {
    let items = vec![vec![t("one")], vec![t("two")], vec![t("three")]];
    assert_eq!(
        parse("1. one\n2) two\n\n3. three"),
        vec![Block::OrderedList(items)],
        "a blank line between items keeps the list"
    );
}

#[test]
fn a_line_right_after_an_item_continues_it() {
    assert_eq!(
        parse("- Open the\n  menu\n- Save"),
        vec![Block::BulletList(vec![
            vec![t("Open the menu")],
            vec![t("Save")]
        ])]
    );
}

#[test]
fn prose_after_a_blank_line_ends_the_list() {
    let blocks = parse("- a\n\nDone.");
    assert_eq!(
        blocks,
        vec![
            Block::BulletList(vec![vec![t("a")]]),
            Block::Paragraph(vec![t("Done.")])
        ]
    );
}

#[test]
fn a_bullet_or_a_first_number_interrupts_a_paragraph_but_a_later_number_does_not() {
    assert_eq!(parse("Steps:\n1. go").len(), 2);
    assert_eq!(parse("Steps:\n- go").len(), 2);
    assert_eq!(
        parse("Founded in\n2019. Since then"),
        vec![Block::Paragraph(vec![t("Founded in 2019. Since then")])]
    );
}

#[test]
fn switching_between_bullets_and_numbers_starts_a_new_list() {
    let blocks = parse("- a\n1. b");
    assert!(
        matches!(
            blocks.as_slice(),
            [Block::BulletList(_), Block::OrderedList(_)]
        ),
        "{blocks:?}"
    );
}

#[test]
fn a_marker_with_nothing_after_it_is_text() {
    assert_eq!(parse("-\n*\n1."), vec![Block::Paragraph(vec![t("- * 1.")])]);
    assert_eq!(
        parse("-5 degrees"),
        vec![Block::Paragraph(vec![t("-5 degrees")])]
    );
}

// ---- renderings ----

#[test]
fn plain_text_keeps_the_words_and_drops_the_markers() {
    let blocks =
        parse("Click **Save** in [the form](https://x.test).\n\n- one\n- `two`\n\n1. a\n2. b");
    assert_eq!(
        to_plain_text(&blocks),
        "Click Save in the form.\n\n- one\n- two\n\n1. a\n2. b"
    );
}

#[test]
fn html_escapes_all_text_and_uses_only_the_fixed_tags() {
    let html = to_html(&parse(
        "<b>'\"&\" **x** `<i>`\n\n- [a](https://x.test/?q=\"1\"&r=<2>)\n\n1. z",
    ));
    assert_eq!(
        html,
        "<p>&lt;b&gt;&#39;&quot;&amp;&quot; <strong>x</strong> <code>&lt;i&gt;</code></p>\n\
         <ul><li><a href=\"https://x.test/?q=&quot;1&quot;&amp;r=&lt;2&gt;\" rel=\"noopener noreferrer\" target=\"_blank\">a</a></li></ul>\n\
         <ol><li>z</li></ol>"
    );
}

#[test]
fn html_renders_a_disallowed_link_from_a_deserialized_tree_as_its_text() {
    let blocks = vec![Block::Paragraph(vec![link(
        "javascript:alert(1)",
        vec![Em(vec![t("hi")])],
    )])];
    assert_eq!(to_html(&blocks), "<p><em>hi</em></p>");
}

// ---- hrefs ----

#[test]
fn only_http_https_and_mailto_hrefs_are_allowed_in_any_case() {
    for ok in [
        "http://x.test",
        "https://x.test/a",
        "HTTPS://X.TEST",
        "mailto:it@x.test",
        "MailTo:a@b",
    ] {
        assert!(is_allowed_href(ok), "{ok:?}");
    }
    let refused = [
        "javascript:alert(1)",
        "JaVaScRiPt:alert(1)",
        " javascript:alert(1)",
        "java\tscript:alert(1)",
        "\u{1}javascript:x",
        " https://x.test",
        "https://x.test/\n",
        "data:text/html;base64,PHNjcmlwdD4=",
        "vbscript:x",
        "file:///etc/passwd",
        "//evil.test",
        "/relative",
        "",
        "http",
        "ｈｔｔｐｓ://x.test",
        "\u{200b}https://x.test",
    ];
    for bad in refused {
        assert!(!is_allowed_href(bad), "{bad:?}");
    }
}

// ---- limits ----

fn depth(inlines: &[Inline]) -> usize {
    inlines
        .iter()
        .map(|i| match i {
            Strong(c) | Em(c) | Inline::Link { children: c, .. } => 1 + depth(c),
            _ => 0,
        })
        .max()
        .unwrap_or(0)
}

#[test]
fn nesting_is_capped_so_renderers_cannot_overflow_the_stack() {
    let src = format!("{}x{}", "*a _b ".repeat(500), "_ b* a".repeat(500));
    let inlines = para(&src);
    assert!(
        depth(&inlines) <= inline::MAX_OPEN,
        "depth {}",
        depth(&inlines)
    );
    assert_eq!(
        to_plain_text(&parse(&src)).len(),
        src.len() - 2 * inline::MAX_OPEN
    );
}
