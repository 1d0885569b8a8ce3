//! Errors as the API answers them: a status and `{"error": "...", "problems": [...]}`.
//!
//! Owns the mapping from what went wrong to a status code and a message written for
//! the developer reading it: what is wrong and what to do. Internal failures are
//! logged with their cause and answered with a generic message, so no detail of the
//! database (or any secret in it) reaches a client.

use axum::http::{header, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::Json;
use serde::Serialize;
use waymark::validate::Problem;

use crate::authoring::AuthoringError;
use crate::ingest::IngestError;

/// The body of every error response.
#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct ErrorBody {
    /// What is wrong, and what to do about it.
    pub error: String,
    /// For invalid input: each problem at its JSON path.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    #[schema(value_type = Vec<ProblemBody>)]
    pub problems: Vec<Problem>,
}

/// One problem in a request body, at its JSON path (`steps[2].target.css[0]`).
#[derive(Serialize, utoipa::ToSchema)]
pub struct ProblemBody {
    pub path: String,
    pub message: String,
}

#[derive(Debug)]
pub struct ApiError {
    pub status: StatusCode,
    pub body: ErrorBody,
    /// Seconds, for 429 and 503.
    pub retry_after: Option<u64>,
    /// For 401: ask for a bearer token.
    pub challenge: bool,
}

impl ApiError {
    pub fn new(status: StatusCode, message: impl Into<String>) -> Self {
        ApiError {
            status,
            body: ErrorBody {
                error: message.into(),
                problems: Vec::new(),
            },
            retry_after: None,
            challenge: false,
        }
    }

    pub fn bad_request(message: impl Into<String>) -> Self {
        Self::new(StatusCode::BAD_REQUEST, message)
    }

    pub fn not_found(message: impl Into<String>) -> Self {
        Self::new(StatusCode::NOT_FOUND, message)
    }

    pub fn forbidden(message: impl Into<String>) -> Self {
        Self::new(StatusCode::FORBIDDEN, message)
    }

    pub fn conflict(message: impl Into<String>) -> Self {
        Self::new(StatusCode::CONFLICT, message)
    }

    pub fn too_large(message: impl Into<String>) -> Self {
        Self::new(StatusCode::PAYLOAD_TOO_LARGE, message)
    }

    pub fn unauthorized(message: impl Into<String>) -> Self {
        ApiError {
            challenge: true,
            ..Self::new(StatusCode::UNAUTHORIZED, message)
        }
    }

    pub fn unprocessable(message: impl Into<String>, problems: Vec<Problem>) -> Self {
        let mut error = Self::new(StatusCode::UNPROCESSABLE_ENTITY, message);
        error.body.problems = problems;
        error
    }

    /// One problem at one path.
    pub fn invalid_at(path: impl Into<String>, message: impl Into<String>) -> Self {
        let problem = Problem {
            path: path.into(),
            message: message.into(),
        };
        Self::unprocessable(format!("invalid request: {problem}"), vec![problem])
    }

    pub fn too_many(retry_after: u64, message: impl Into<String>) -> Self {
        ApiError {
            retry_after: Some(retry_after.max(1)),
            ..Self::new(StatusCode::TOO_MANY_REQUESTS, message)
        }
    }

    /// A failure that is ours, not the client's: logged in full, answered briefly.
    pub fn internal(what: &str, error: &dyn std::fmt::Display) -> Self {
        tracing::error!(%error, "{what}");
        Self::new(
            StatusCode::INTERNAL_SERVER_ERROR,
            format!("{what}; the server log has the details"),
        )
    }
}

impl IntoResponse for ApiError {
    fn into_response(self) -> Response {
        let mut response = (self.status, Json(self.body)).into_response();
        let headers = response.headers_mut();
        if let Some(seconds) = self.retry_after {
            headers.insert(header::RETRY_AFTER, HeaderValue::from(seconds));
        }
        if self.challenge {
            headers.insert(header::WWW_AUTHENTICATE, HeaderValue::from_static("Bearer"));
        }
        response
    }
}

impl From<crate::db::Error> for ApiError {
    fn from(error: crate::db::Error) -> Self {
        ApiError::internal("the database failed", &error)
    }
}

impl From<AuthoringError> for ApiError {
    fn from(error: AuthoringError) -> Self {
        match error {
            AuthoringError::NotFound(message) => ApiError::not_found(message),
            AuthoringError::Conflict(message) => ApiError::conflict(message),
            AuthoringError::Invalid { message, problems } => {
                ApiError::unprocessable(message, problems)
            }
            AuthoringError::Database(error) => error.into(),
        }
    }
}

impl From<IngestError> for ApiError {
    fn from(error: IngestError) -> Self {
        match error {
            IngestError::Stopped => ApiError {
                retry_after: Some(5),
                ..ApiError::new(
                    StatusCode::SERVICE_UNAVAILABLE,
                    "the server is shutting down; retry shortly",
                )
            },
            IngestError::Database(error) => ApiError::internal("cannot store the events", &error),
        }
    }
}

pub type ApiResult<T> = Result<T, ApiError>;
