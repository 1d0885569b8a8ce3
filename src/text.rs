//! Building text without `core::fmt`.
//!
//! Everything the core says in the page (ticket drafts, validation messages, event
//! ids, "what was done") is put together here with `push_str` and `concat` instead
//! of `format!`: each `format!` costs argument tables and calls into `core::fmt` in
//! the runtime's wasm, which every user of every host app downloads. Numbers are
//! written by [`push_int`].

/// Appends the decimal digits of `n`.
pub fn push_int(out: &mut String, n: u64) {
    push_digits(out, n, 10, 1);
}

/// Appends `n` in `base` (2 to 16, lower-case digits), at least `width` digits,
/// padded with zeros. The one number writer of the core and the runtime.
pub fn push_digits(out: &mut String, n: u64, base: u64, width: u32) {
    let base = base.clamp(2, 16);
    if n >= base || width > 1 {
        push_digits(out, n / base, base, width.saturating_sub(1));
    }
    // `& 15` keeps the index inside the table: nothing here can panic.
    out.push(char::from(b"0123456789abcdef"[(n % base) as usize & 15]));
}

/// Appends `n` with at least two digits (`7` → `07`), like `{:02}`.
pub fn push_int2(out: &mut String, n: u64) {
    if n < 10 {
        out.push('0');
    }
    push_int(out, n);
}

/// The decimal digits of `n`.
pub fn int(n: u64) -> String {
    let mut out = String::new();
    push_int(&mut out, n);
    out
}

/// A character as `{:?}` shows a whitespace character between its quotes (`'\t'`,
/// `' '`, `'\u{a0}'`), without `core::fmt`'s escaping tables. Other characters are
/// shown as they are.
pub fn push_quoted_whitespace(out: &mut String, c: char) {
    out.push('\'');
    match c {
        '\t' => out.push_str("\\t"),
        '\n' => out.push_str("\\n"),
        '\r' => out.push_str("\\r"),
        c if c == ' ' || !c.is_whitespace() => out.push(c),
        c => {
            out.push_str("\\u{");
            let n = u32::from(c);
            let mut shift = 28;
            while shift > 0 && (n >> shift) & 0xf == 0 {
                shift -= 4;
            }
            loop {
                let digit = ((n >> shift) & 0xf) as u8;
                out.push(char::from(if digit < 10 {
                    b'0' + digit
                } else {
                    b'a' + digit - 10
                }));
                if shift == 0 {
                    break;
                }
                shift -= 4;
            }
            out.push('}');
        }
    }
    out.push('\'');
}

/// `s` between double quotes, escaped as `{:?}` escapes a string (`"a\"b"`).
pub fn push_quoted(out: &mut String, s: &str) {
    out.push('"');
    for c in s.chars() {
        // `char::escape_debug` escapes as a string's `Debug` does, except that a
        // string leaves single quotes alone.
        if c == '\'' {
            out.push(c);
        } else {
            out.extend(c.escape_debug());
        }
    }
    out.push('"');
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn integers_are_written_as_display_writes_them() {
        for n in [0, 1, 9, 10, 11, 99, 100, 101, 1000, 4_294_967_295, u64::MAX] {
            assert_eq!(int(n), n.to_string());
            let mut two = String::new();
            push_int2(&mut two, n);
            assert_eq!(two, format!("{n:02}"));
            let mut hex = String::new();
            push_digits(&mut hex, n, 16, 8);
            assert_eq!(hex, format!("{n:08x}"));
        }
    }

    #[test]
    fn strings_are_quoted_as_debug_quotes_them() {
        let all: String = (0u32..0x11_0000).filter_map(char::from_u32).collect();
        for s in [
            "",
            "/orders",
            "a\"b'c\\d",
            "\u{301}x\u{301}",
            "\0\t\u{7f}",
            &all,
        ] {
            let mut out = String::new();
            push_quoted(&mut out, s);
            assert_eq!(out, format!("{s:?}"));
        }
    }

    #[test]
    fn whitespace_is_quoted_as_debug_quotes_it() {
        for c in (0u32..0x11_0000)
            .filter_map(char::from_u32)
            .filter(|c| c.is_whitespace())
        {
            let mut out = String::new();
            push_quoted_whitespace(&mut out, c);
            assert_eq!(out, format!("{c:?}"));
        }
    }
}
