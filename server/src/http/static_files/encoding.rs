//! Content codings for static files: which one a request accepts, which
//! precompressed copies beside a file may stand for it, and bodies held in memory in
//! every coding (the SDK's rewritten glue and its wasm).
//!
//! `build.sh` writes `FILE.br` (Brotli, quality 11) and `FILE.gz` (gzip, level 9)
//! beside each asset (scripts/precompress.mjs), with the file's own modification time.
//! A copy older than its file is left over from an earlier build and is never
//! served; a copy held in memory is kept only when it decompresses to the file's
//! bytes. The choice follows `Accept-Encoding` as tower-http's `ServeDir` makes it:
//! the highest `q` wins, `q=0` refuses, and on equal weight Brotli comes before
//! gzip before identity. `*` is not read (browsers name their codings).

use std::io::{Read, Write};
use std::path::{Component, Path, PathBuf};

use axum::body::Bytes;
use axum::http::{header, HeaderMap, HeaderValue};

/// A coding the server can send.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub enum Coding {
    Identity,
    Gzip,
    Br,
}

impl Coding {
    /// Its name in `Accept-Encoding` and `Content-Encoding`.
    pub fn token(self) -> &'static str {
        match self {
            Coding::Identity => "identity",
            Coding::Gzip => "gzip",
            Coding::Br => "br",
        }
    }

    /// What `build.sh` appends to a file's name for its copy in this coding.
    fn extension(self) -> Option<&'static str> {
        match self {
            Coding::Identity => None,
            Coding::Gzip => Some("gz"),
            Coding::Br => Some("br"),
        }
    }

    fn parse(token: &str) -> Option<Coding> {
        if token.eq_ignore_ascii_case("br") {
            Some(Coding::Br)
        } else if token.eq_ignore_ascii_case("gzip") || token.eq_ignore_ascii_case("x-gzip") {
            Some(Coding::Gzip)
        } else if token.eq_ignore_ascii_case("identity") {
            Some(Coding::Identity)
        } else {
            None
        }
    }

    /// The `Content-Encoding` to send, none for identity.
    pub fn content_encoding(self) -> Option<HeaderValue> {
        (self != Coding::Identity).then(|| HeaderValue::from_static(self.token()))
    }
}

/// A `q` value in thousandths, or `None` when it is no `q` value (the item is then
/// ignored, as `ServeDir` does).
fn parse_q(param: &str) -> Option<u16> {
    let (name, value) = param.split_once('=')?;
    if !name.trim().eq_ignore_ascii_case("q") {
        return None;
    }
    let value: f32 = value.trim().parse().ok()?;
    (0.0..=1.0)
        .contains(&value)
        .then(|| (value * 1000.0).round() as u16)
}

/// The codings `Accept-Encoding` names that the server knows, with their weights.
fn accepted(headers: &HeaderMap) -> Vec<(Coding, u16)> {
    headers
        .get_all(header::ACCEPT_ENCODING)
        .iter()
        .filter_map(|value| value.to_str().ok())
        .flat_map(|value| value.split(','))
        .filter_map(|item| {
            let mut parts = item.split(';');
            let coding = Coding::parse(parts.next()?.trim())?;
            let q = match parts.next() {
                Some(param) => parse_q(param)?,
                None => 1000,
            };
            Some((coding, q))
        })
        .collect()
}

/// Whether the request accepts `coding` (names it with a weight above 0).
pub fn accepts(headers: &HeaderMap, coding: Coding) -> bool {
    accepted(headers)
        .into_iter()
        .any(|(accepted, q)| accepted == coding && q > 0)
}

/// The coding to answer with: of those `available` says the server has, the one the
/// request weighs highest (Brotli, then gzip, then identity on equal weight);
/// identity when it accepts none of them.
pub fn negotiate(headers: &HeaderMap, available: impl Fn(Coding) -> bool) -> Coding {
    accepted(headers)
        .into_iter()
        .filter(|&(coding, q)| q > 0 && (coding == Coding::Identity || available(coding)))
        .max_by_key(|&(coding, q)| (q, coding))
        .map_or(Coding::Identity, |(coding, _)| coding)
}

/// `file` with the coding's extension appended (`app.js` → `app.js.br`).
pub fn copy_path(file: &Path, coding: Coding) -> Option<PathBuf> {
    let extension = coding.extension()?;
    let mut name = file.as_os_str().to_owned();
    name.push(".");
    name.push(extension);
    Some(PathBuf::from(name))
}

/// Whether `file` has a copy in `coding` that may be served for it: one that exists
/// and is not older than the file (an older one is a previous build's).
pub async fn has_fresh_copy(file: &Path, coding: Coding) -> bool {
    let Some(copy) = copy_path(file, coding) else {
        return true;
    };
    let (Ok(plain), Ok(copy)) = (
        tokio::fs::metadata(file).await,
        tokio::fs::metadata(&copy).await,
    ) else {
        return false;
    };
    if !copy.is_file() {
        return false;
    }
    match (plain.modified(), copy.modified()) {
        (Ok(plain), Ok(copy)) => copy >= plain,
        _ => false,
    }
}

/// The file a `ServeDir` over `dir` answers for `rest` (the URL path after the
/// folder, still percent-encoded), or `None` when it would refuse the path.
pub fn file_for(dir: &Path, rest: &str) -> Option<PathBuf> {
    let decoded = percent_encoding::percent_decode_str(rest.trim_start_matches('/'))
        .decode_utf8()
        .ok()?;
    let mut file = dir.to_path_buf();
    for component in Path::new(&*decoded).components() {
        match component {
            Component::Normal(part) => file.push(part),
            _ => return None,
        }
    }
    if decoded.is_empty() || decoded.ends_with('/') {
        file.push("index.html");
    }
    Some(file)
}

/// One body in every coding the server has it in.
pub struct Encoded {
    pub identity: Bytes,
    br: Option<Bytes>,
    gzip: Option<Bytes>,
}

impl Encoded {
    /// `bytes` compressed here: Brotli at quality 11 and gzip at level 9, as
    /// `build.sh` compresses files on disk.
    pub fn compress(bytes: Bytes) -> Encoded {
        let mut br = brotli::CompressorWriter::new(Vec::new(), 4096, 11, 22);
        let mut gzip = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::new(9));
        // Writing into a Vec cannot fail.
        let br = br
            .write_all(&bytes)
            .and_then(|()| br.flush())
            .map(|()| br.into_inner());
        let gzip = gzip.write_all(&bytes).and_then(|()| gzip.finish());
        Encoded {
            br: br.ok().map(Bytes::from),
            gzip: gzip.ok().map(Bytes::from),
            identity: bytes,
        }
    }

    /// `bytes`, read from `file`, with the copies beside it that decompress to
    /// exactly these bytes (a copy of another build is left out).
    pub fn with_copies(bytes: Bytes, file: &Path) -> Encoded {
        let copy = |coding: Coding| -> Option<Bytes> {
            let compressed = std::fs::read(copy_path(file, coding)?).ok()?;
            let matches = decompress(coding, &compressed, bytes.len()).as_deref() == Some(&*bytes);
            if !matches {
                tracing::warn!(file = %file.display(), coding = coding.token(),
                    "a compressed copy does not match its file (a previous build's?): not served");
            }
            matches.then(|| Bytes::from(compressed))
        };
        Encoded {
            br: copy(Coding::Br),
            gzip: copy(Coding::Gzip),
            identity: bytes,
        }
    }

    /// The body in `coding`, if the server has it so.
    pub fn get(&self, coding: Coding) -> Option<&Bytes> {
        match coding {
            Coding::Identity => Some(&self.identity),
            Coding::Br => self.br.as_ref(),
            Coding::Gzip => self.gzip.as_ref(),
        }
    }

    /// The coding to send for this request, and the body in it.
    pub fn choose(&self, headers: &HeaderMap) -> (Coding, Bytes) {
        let coding = negotiate(headers, |coding| self.get(coding).is_some());
        let body = self.get(coding).unwrap_or(&self.identity).clone();
        (coding, body)
    }
}

/// `compressed` decompressed, if it is valid and no longer than `limit` bytes.
pub fn decompress(coding: Coding, compressed: &[u8], limit: usize) -> Option<Vec<u8>> {
    let reader: Box<dyn Read + '_> = match coding {
        Coding::Identity => return (compressed.len() <= limit).then(|| compressed.to_vec()),
        Coding::Br => Box::new(brotli::Decompressor::new(compressed, 4096)),
        Coding::Gzip => Box::new(flate2::read::GzDecoder::new(compressed)),
    };
    let mut out = Vec::with_capacity(limit);
    reader.take(limit as u64 + 1).read_to_end(&mut out).ok()?;
    (out.len() <= limit).then_some(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn headers(accept: &str) -> HeaderMap {
        let mut headers = HeaderMap::new();
        headers.insert(header::ACCEPT_ENCODING, accept.parse().unwrap());
        headers
    }

    #[test]
    fn negotiation_prefers_br_then_gzip_and_honours_weights_and_q0() {
        let all = |_: Coding| true;
        let cases = [
            ("gzip, deflate, br, zstd", Coding::Br),
            ("gzip", Coding::Gzip),
            ("x-gzip", Coding::Gzip),
            ("br;q=0, gzip", Coding::Gzip),
            ("br;q=0", Coding::Identity),
            ("br;q=0.5, gzip;q=0.8", Coding::Gzip),
            ("BR ; q=1.0, gzip", Coding::Br),
            ("identity", Coding::Identity),
            ("deflate, zstd", Coding::Identity),
            ("br;q=2", Coding::Identity),
            ("br;q=oops, gzip", Coding::Gzip),
            ("", Coding::Identity),
        ];
        for (accept, expected) in cases {
            assert_eq!(negotiate(&headers(accept), all), expected, "{accept:?}");
        }
        assert_eq!(negotiate(&HeaderMap::new(), all), Coding::Identity);
        let no_br = |coding: Coding| coding != Coding::Br;
        assert_eq!(negotiate(&headers("br, gzip"), no_br), Coding::Gzip);
        assert_eq!(negotiate(&headers("br"), no_br), Coding::Identity);
    }

    #[test]
    fn compressed_bodies_decompress_to_the_original_within_a_limit() {
        let text = Bytes::from("export const x = 'waymark';\n".repeat(200));
        let encoded = Encoded::compress(text.clone());
        for coding in [Coding::Br, Coding::Gzip] {
            let body = encoded.get(coding).unwrap();
            assert!(body.len() < text.len() / 4, "{coding:?} compresses");
            assert_eq!(decompress(coding, body, text.len()).unwrap(), text);
            assert_eq!(
                decompress(coding, body, text.len() - 1),
                None,
                "over the limit"
            );
        }
        assert_eq!(decompress(Coding::Br, b"not brotli", 100), None);
    }

    #[test]
    fn paths_map_to_files_like_serve_dir_and_refuse_escapes() {
        let dir = Path::new("/srv/www");
        assert_eq!(file_for(dir, "a/b.js"), Some(dir.join("a/b.js")));
        assert_eq!(file_for(dir, "a%20b.js"), Some(dir.join("a b.js")));
        assert_eq!(file_for(dir, ""), Some(dir.join("index.html")));
        assert_eq!(file_for(dir, "lab/"), Some(dir.join("lab/index.html")));
        assert_eq!(file_for(dir, "../secret"), None);
        assert_eq!(file_for(dir, "..%2Fsecret"), None);
        assert_eq!(
            copy_path(Path::new("x/app.js"), Coding::Br),
            Some(PathBuf::from("x/app.js.br"))
        );
        assert_eq!(copy_path(Path::new("x/app.js"), Coding::Identity), None);
    }
}
