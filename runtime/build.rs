//! Writes `style.css` without its comments and needless whitespace to OUT_DIR, where
//! `layer.rs` includes it: the source stays readable, and every user does not
//! download its comments (~3 KB gzipped less).

use std::{env, fs, path::Path};

fn main() {
    let src = "src/style.css";
    println!("cargo:rerun-if-changed={src}");
    println!("cargo:rerun-if-changed=build.rs");
    let css = fs::read_to_string(src).unwrap_or_else(|e| panic!("{src}: {e}"));
    let out = env::var("OUT_DIR").unwrap_or_else(|e| panic!("OUT_DIR: {e}"));
    let path = Path::new(&out).join("style.min.css");
    fs::write(&path, minify(&css)).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
}

/// Drops comments, turns each run of whitespace into one space, and drops that
/// space where CSS never needs it: around `{ } ; , >` and after `:`. A space
/// before `:` stays (`a :hover` is not `a:hover`), and so do those around `+`
/// and `-` (`calc(100% - 4px)`). Strings and `url(...)` are copied as they are.
fn minify(css: &str) -> String {
    let mut out = String::with_capacity(css.len());
    let mut chars = css.chars().peekable();
    let mut space = false;
    let tight = |c: char| matches!(c, '{' | '}' | ';' | ',' | '>');
    while let Some(c) = chars.next() {
        match c {
            '/' if chars.peek() == Some(&'*') => {
                chars.next();
                let mut last = ' ';
                for c in chars.by_ref() {
                    if last == '*' && c == '/' {
                        break;
                    }
                    last = c;
                }
                space = true;
            }
            c if c.is_whitespace() => space = true,
            _ => {
                if space {
                    let prev = out.chars().last();
                    let keep = prev.is_some_and(|p| !tight(p) && p != ':') && !tight(c);
                    if keep {
                        out.push(' ');
                    }
                    space = false;
                }
                // `;}`: the last declaration needs no semicolon.
                if c == '}' && out.ends_with(';') {
                    out.pop();
                }
                out.push(c);
                if c == '"' || c == '\'' {
                    while let Some(s) = chars.next() {
                        out.push(s);
                        if s == '\\' {
                            out.extend(chars.next());
                        } else if s == c {
                            break;
                        }
                    }
                } else if c == '(' && out.ends_with("url(") {
                    for s in chars.by_ref() {
                        out.push(s);
                        if s == ')' {
                            break;
                        }
                    }
                }
            }
        }
    }
    out
}
