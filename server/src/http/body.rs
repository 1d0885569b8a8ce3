//! Reading request bodies: size limits, content types and JSON, each failure
//! answered with the right status and a message that says what is wrong.
//!
//! `text/plain` is accepted wherever JSON is: `navigator.sendBeacon` cannot send
//! `application/json` cross-origin without a preflight, so the runtime's last events
//! of a page arrive as text. Owns parsing only; what the values mean is the
//! handler's.

use axum::body::{to_bytes, Body, Bytes};
use axum::http::{header, HeaderMap};
use serde::de::DeserializeOwned;
use waymark::validate::Problem;

use super::error::ApiError;

/// Reads the whole body, refusing more than `limit` bytes with 413.
pub async fn read(headers: &HeaderMap, body: Body, limit: usize) -> Result<Bytes, ApiError> {
    let too_large = || {
        ApiError::too_large(format!(
            "the request body is larger than {limit} bytes; send less at a time"
        ))
    };
    if let Some(length) = headers
        .get(header::CONTENT_LENGTH)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.parse::<usize>().ok())
    {
        if length > limit {
            return Err(too_large());
        }
    }
    check_content_type(headers)?;
    to_bytes(body, limit).await.map_err(|error| {
        if is_length_limit(&error) {
            too_large()
        } else {
            ApiError::bad_request(format!("cannot read the request body: {error}"))
        }
    })
}

fn is_length_limit(error: &axum::Error) -> bool {
    let mut source: Option<&(dyn std::error::Error + 'static)> = Some(error);
    while let Some(error) = source {
        if error.is::<http_body_util::LengthLimitError>() {
            return true;
        }
        source = error.source();
    }
    false
}

/// JSON may come as `application/json` (any `+json`), `text/plain`, or untyped.
fn check_content_type(headers: &HeaderMap) -> Result<(), ApiError> {
    let Some(value) = headers.get(header::CONTENT_TYPE) else {
        return Ok(());
    };
    let essence = value
        .to_str()
        .unwrap_or("")
        .split(';')
        .next()
        .unwrap_or("")
        .trim()
        .to_ascii_lowercase();
    if essence == "application/json" || essence.ends_with("+json") || essence == "text/plain" {
        Ok(())
    } else {
        Err(ApiError::new(
            axum::http::StatusCode::UNSUPPORTED_MEDIA_TYPE,
            format!("the body must be JSON (Content-Type: application/json or text/plain), not `{essence}`"),
        ))
    }
}

/// Parses JSON into `T`: bad syntax is 400, a wrong shape 422 with the path.
pub fn parse<T: DeserializeOwned>(bytes: &[u8]) -> Result<T, ApiError> {
    if bytes.iter().all(u8::is_ascii_whitespace) {
        return Err(ApiError::bad_request(
            "the request body is empty; send a JSON object",
        ));
    }
    let de = &mut serde_json::Deserializer::from_slice(bytes);
    serde_path_to_error::deserialize(de).map_err(|error| {
        let path = error.path().to_string();
        let inner = error.into_inner();
        if inner.is_syntax() || inner.is_eof() {
            ApiError::bad_request(format!("malformed JSON: {inner}"))
        } else {
            let message = strip_position(&inner.to_string());
            let path = if path == "." {
                String::from("(body)")
            } else {
                path
            };
            ApiError::unprocessable(
                format!("invalid request: {path}: {message}"),
                vec![Problem { path, message }],
            )
        }
    })
}

/// Checks that the text is JSON at all (for bodies parsed later by the core).
pub fn require_json_syntax(bytes: &[u8]) -> Result<&str, ApiError> {
    let text = std::str::from_utf8(bytes)
        .map_err(|_| ApiError::bad_request("the request body is not UTF-8 text"))?;
    if text.trim().is_empty() {
        return Err(ApiError::bad_request(
            "the request body is empty; send a JSON object",
        ));
    }
    serde_json::from_str::<serde::de::IgnoredAny>(text)
        .map_err(|error| ApiError::bad_request(format!("malformed JSON: {error}")))?;
    Ok(text)
}

/// serde's message without " at line 1 column 9", which the path replaces.
fn strip_position(message: &str) -> String {
    match message.rfind(" at line ") {
        Some(cut) => message[..cut].to_owned(),
        None => message.to_owned(),
    }
}
