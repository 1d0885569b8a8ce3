//! CSS selectors as guides write them: a syntax check and the `>>>` crossing form.
//!
//! Owns the rule for what a target selector may look like, so a broken selector is
//! refused when the guide is saved rather than failing in a user's page. A target
//! selector is a chain of ordinary CSS selector lists joined by `>>>`: each link after
//! the first is looked up inside the open shadow root, or the same-origin iframe's
//! document, of the element the previous link found (`my-widget >>> button.save`,
//! `iframe#billing >>> #card`). This module does not query anything; the runtime does.

use std::fmt;

use crate::text::push_int;

/// Why a selector cannot be used. `offset` counts characters from the selector's start.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct SelectorError {
    /// Where the problem is, in characters from the selector's start.
    pub offset: usize,
    /// What is wrong, in plain words.
    pub message: String,
}

impl SelectorError {
    /// The message with where it is, as `Display` writes it, without `core::fmt`.
    pub fn text(&self) -> String {
        let mut out = self.message.clone();
        if self.message != EMPTY {
            out.push_str(" (at character ");
            push_int(&mut out, self.offset as u64 + 1);
            out.push(')');
        }
        out
    }
}

impl fmt::Display for SelectorError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.text())
    }
}

const EMPTY: &str = "empty selector";

/// The token that crosses into a shadow root or an iframe.
pub const CROSS: &str = ">>>";

/// Splits a target selector into the selector lists to apply one after another.
pub fn split_chain(selector: &str) -> Vec<&str> {
    selector.split(CROSS).map(str::trim).collect()
}

/// Checks a whole target selector, `>>>` links included.
pub fn check_chain(selector: &str) -> Result<(), SelectorError> {
    if selector.trim().is_empty() {
        return Err(err(0, EMPTY));
    }
    let mut start = 0;
    for part in selector.split(CROSS) {
        check(part).map_err(|mut e| {
            if e.message == EMPTY {
                e.message = "nothing on one side of `>>>`".into();
            }
            e.offset += selector.get(..start).map_or(0, |s| s.chars().count());
            e
        })?;
        start += part.len() + CROSS.len();
    }
    Ok(())
}

/// Checks one CSS selector list (`a, b > c:not(.d)`).
pub fn check(selector: &str) -> Result<(), SelectorError> {
    let chars: Vec<char> = selector.chars().collect();
    if chars.iter().all(|c| c.is_whitespace()) {
        return Err(err(0, EMPTY));
    }
    let mut p = Parser { s: &chars, i: 0 };
    p.selector_list(None)?;
    if let Some(&c) = chars.get(p.i) {
        return Err(err_char(p.i, "unexpected `", c, "`"));
    }
    Ok(())
}

fn err(offset: usize, message: &str) -> SelectorError {
    SelectorError {
        offset,
        message: message.to_owned(),
    }
}

/// A message quoting one character, `before` + `c` + `after` (no `format!`).
fn err_char(offset: usize, before: &str, c: char, after: &str) -> SelectorError {
    let mut message = String::with_capacity(before.len() + 4 + after.len());
    message.push_str(before);
    message.push(c);
    message.push_str(after);
    SelectorError { offset, message }
}

struct Parser<'a> {
    s: &'a [char],
    i: usize,
}

impl Parser<'_> {
    fn peek(&self) -> Option<char> {
        self.s.get(self.i).copied()
    }

    fn skip_ws(&mut self) -> bool {
        let start = self.i;
        while self.peek().is_some_and(char::is_whitespace) {
            self.i += 1;
        }
        self.i > start
    }

    /// `close` is the character that ends the list when nested in `:is(...)` and friends.
    fn selector_list(&mut self, close: Option<char>) -> Result<(), SelectorError> {
        loop {
            self.skip_ws();
            self.complex(close)?;
            self.skip_ws();
            match self.peek() {
                Some(',') => self.i += 1,
                _ => return Ok(()),
            }
        }
    }

    fn complex(&mut self, close: Option<char>) -> Result<(), SelectorError> {
        // A leading combinator is allowed inside :has(> img).
        if close.is_some() && matches!(self.peek(), Some('>' | '+' | '~')) {
            self.i += 1;
            self.skip_ws();
        }
        if !self.compound()? {
            return Err(self.unexpected("a selector"));
        }
        loop {
            let spaced = self.skip_ws();
            match self.peek() {
                Some(c @ ('>' | '+' | '~')) => {
                    let at = self.i;
                    self.i += 1;
                    self.skip_ws();
                    if !self.compound()? {
                        return Err(err_char(at, "nothing after the combinator `", c, "`"));
                    }
                }
                Some(',') | None => return Ok(()),
                Some(c) if Some(c) == close => return Ok(()),
                Some(_) if spaced => {
                    if !self.compound()? {
                        return Err(self.unexpected("a selector"));
                    }
                }
                // Whoever called decides whether this character may follow.
                Some(_) => return Ok(()),
            }
        }
    }

    /// Returns whether anything was read.
    fn compound(&mut self) -> Result<bool, SelectorError> {
        let start = self.i;
        if self.peek() == Some('*') {
            self.i += 1;
        } else if self
            .peek()
            .is_some_and(|c| is_ident_start(c) || c == '-' || c == '\\')
        {
            self.ident()?;
        }
        loop {
            match self.peek() {
                Some('#') => {
                    self.i += 1;
                    if !self.ident()? {
                        return Err(err(self.i - 1, "`#` must be followed by an id"));
                    }
                }
                Some('.') => {
                    self.i += 1;
                    if !self.ident()? {
                        return Err(err(self.i - 1, "`.` must be followed by a class name"));
                    }
                }
                Some('[') => self.attribute()?,
                Some(':') => self.pseudo()?,
                _ => break,
            }
        }
        Ok(self.i > start)
    }

    fn ident(&mut self) -> Result<bool, SelectorError> {
        let start = self.i;
        if self.peek() == Some('-') {
            self.i += 1;
        }
        let mut first = true;
        while let Some(c) = self.peek() {
            if c == '\\' {
                if self.s.get(self.i + 1).is_none() {
                    return Err(err(self.i, "a `\\` escape at the end"));
                }
                self.i += 2;
            } else if is_ident_start(c)
                || (!first && (c.is_ascii_digit() || c == '-'))
                || (first && self.i > start && c == '-')
            {
                self.i += 1;
            } else {
                break;
            }
            first = false;
        }
        Ok(self.i > start && !(self.i == start + 1 && self.s.get(start) == Some(&'-')))
    }

    fn attribute(&mut self) -> Result<(), SelectorError> {
        let open = self.i;
        self.i += 1;
        self.skip_ws();
        if self.peek().is_none() {
            return Err(err(open, "`[` is never closed"));
        }
        if !self.ident()? {
            return Err(self.unexpected("an attribute name"));
        }
        self.skip_ws();
        match self.peek() {
            Some(']') => {
                self.i += 1;
                return Ok(());
            }
            Some('=') => self.i += 1,
            Some('~' | '|' | '^' | '$' | '*') if self.s.get(self.i + 1) == Some(&'=') => {
                self.i += 2
            }
            None => return Err(err(open, "`[` is never closed")),
            _ => return Err(self.unexpected("`=` or `]`")),
        }
        self.skip_ws();
        match self.peek() {
            Some(q @ ('"' | '\'')) => self.string(q)?,
            _ => {
                if !self.ident()? && !self.number() {
                    return Err(self.unexpected("a value"));
                }
            }
        }
        self.skip_ws();
        if matches!(self.peek(), Some('i' | 's' | 'I' | 'S')) {
            self.i += 1;
            self.skip_ws();
        }
        match self.peek() {
            Some(']') => {
                self.i += 1;
                Ok(())
            }
            None => Err(err(open, "`[` is never closed")),
            _ => Err(self.unexpected("`]`")),
        }
    }

    fn number(&mut self) -> bool {
        let start = self.i;
        while self.peek().is_some_and(|c| c.is_ascii_digit() || c == '.') {
            self.i += 1;
        }
        self.i > start
    }

    fn string(&mut self, quote: char) -> Result<(), SelectorError> {
        let open = self.i;
        self.i += 1;
        while let Some(c) = self.peek() {
            self.i += 1;
            if c == '\\' {
                self.i += 1;
            } else if c == quote {
                return Ok(());
            }
        }
        Err(err_char(
            open,
            "the string opened with ",
            quote,
            " is never closed",
        ))
    }

    fn pseudo(&mut self) -> Result<(), SelectorError> {
        let colon = self.i;
        self.i += 1;
        if self.peek() == Some(':') {
            self.i += 1;
        }
        let name_start = self.i;
        if !self.ident()? {
            return Err(err(colon, "`:` must be followed by a pseudo-class name"));
        }
        let name: String = self
            .s
            .get(name_start..self.i)
            .unwrap_or_default()
            .iter()
            .collect::<String>()
            .to_ascii_lowercase();
        if self.peek() != Some('(') {
            return Ok(());
        }
        let open = self.i;
        self.i += 1;
        if matches!(name.as_str(), "not" | "is" | "where" | "has" | "matches") {
            self.selector_list(Some(')'))?;
            self.skip_ws();
            if self.peek() != Some(')') {
                return Err(match self.peek() {
                    None => err(open, &["`:", &name, "(` is never closed"].concat()),
                    Some(_) => self.unexpected("`)`"),
                });
            }
            self.i += 1;
            return Ok(());
        }
        // Other functional pseudo-classes (:nth-child(2n+1), :lang(fr)): balanced content.
        let mut depth = 1;
        while let Some(c) = self.peek() {
            match c {
                '(' => depth += 1,
                ')' => {
                    depth -= 1;
                    if depth == 0 {
                        let inside = self.s.get(open + 1..self.i).unwrap_or_default();
                        if inside.iter().all(|c| c.is_whitespace()) {
                            return Err(err(
                                open,
                                &["`:", &name, "()` needs an argument"].concat(),
                            ));
                        }
                        self.i += 1;
                        return Ok(());
                    }
                }
                '"' | '\'' => {
                    self.string(c)?;
                    continue;
                }
                _ => {}
            }
            self.i += 1;
        }
        Err(err(open, &["`:", &name, "(` is never closed"].concat()))
    }

    fn unexpected(&self, wanted: &str) -> SelectorError {
        match self.peek() {
            Some(c) => err_char(self.i, &["expected ", wanted, ", found `"].concat(), c, "`"),
            None => err(self.i, &["expected ", wanted, " at the end"].concat()),
        }
    }
}

fn is_ident_start(c: char) -> bool {
    c.is_ascii_alphabetic() || c == '_' || !c.is_ascii()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn everyday_selectors_are_accepted() {
        for s in [
            "#save",
            ".btn.primary",
            "button[type=submit]",
            "[data-testid=\"supplier-search\"]",
            "a[href^='https://'] > span",
            "form .row + .row ~ p",
            "ul li:nth-child(2n+1)",
            "input:not([disabled], .ro)",
            "div:has(> img)",
            "*",
            "x-widget::part(label)",
            "#a\\:b",
            "h1, h2 ,h3",
            "[lang|=en i]",
            "-custom-el",
        ] {
            assert_eq!(check(s), Ok(()), "{s}");
        }
    }

    #[test]
    fn broken_selectors_say_what_and_where() {
        let cases = [
            ("", "empty selector"),
            ("   ", "empty selector"),
            ("div >", "nothing after the combinator `>` (at character 5)"),
            ("#", "`#` must be followed by an id (at character 1)"),
            ("a[href", "`[` is never closed (at character 2)"),
            (
                "a[href='x]",
                "the string opened with ' is never closed (at character 8)",
            ),
            ("a,,b", "expected a selector, found `,` (at character 3)"),
            ("div)", "unexpected `)` (at character 4)"),
            (":not(.a", "`:not(` is never closed (at character 5)"),
            (
                ":nth-child()",
                "`:nth-child()` needs an argument (at character 11)",
            ),
            (
                "a >> b",
                "nothing after the combinator `>` (at character 3)",
            ),
        ];
        for (input, expected) in cases {
            let e = check(input).expect_err(input);
            assert_eq!(e.to_string(), expected, "{input}");
        }
    }

    #[test]
    fn chains_cross_shadow_roots_and_frames_with_three_arrows() {
        assert_eq!(
            split_chain("app-shell >>> #save"),
            vec!["app-shell", "#save"]
        );
        assert_eq!(check_chain("iframe#pay >>> form >>> .card"), Ok(()));
        let e = check_chain("app-shell >>> ").unwrap_err();
        assert_eq!(e.message, "nothing on one side of `>>>`");
        let e = check_chain("app-shell >>> a[").unwrap_err();
        assert_eq!(e.offset, 15, "offset counts from the chain's start: {e}");
    }
}
