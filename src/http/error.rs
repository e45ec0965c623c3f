//! The one place where errors become HTTP responses.

use crate::formats::InvalidAccept;
use crate::sparql::ProtocolError;
use crate::store::StoreError;
use actix_web::http::header::{self, ContentType};
use actix_web::http::StatusCode;
use actix_web::{HttpResponse, ResponseError};

/// Errors of the HTTP API; each becomes a status and a plain-text message.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum ApiError {
    /// The request is malformed.
    #[error("{0}")]
    BadRequest(String),
    /// The SPARQL request is invalid.
    #[error(transparent)]
    Protocol(#[from] ProtocolError),
    /// The `Accept` header cannot be read.
    #[error(transparent)]
    InvalidAccept(#[from] InvalidAccept),
    /// Writing needs credentials and none were sent.
    #[error(
        "this operation changes the graph: send the write token as 'Authorization: Bearer <token>'"
    )]
    Unauthorized,
    /// The credentials sent are wrong, or the server is read-only.
    #[error("{0}")]
    Forbidden(&'static str),
    /// The resource does not exist.
    #[error("{0}")]
    NotFound(String),
    /// The method is not allowed on this resource.
    #[error("{0}")]
    MethodNotAllowed(String),
    /// No acceptable representation exists: why.
    #[error("{0}")]
    NotAcceptable(String),
    /// The request body's media type is not supported.
    #[error("{0}")]
    UnsupportedMediaType(String),
    /// The body is longer than the server accepts.
    #[error("the body is larger than this server's limit of {0} bytes (--max-body-bytes)")]
    PayloadTooLarge(usize),
    /// The body arrived too slowly: after a grace period it must keep up a minimum rate.
    #[error(
        "the body arrived too slowly: {received} bytes in {seconds} s, below the {rate} bytes \
         per second a body must keep up after its first {grace} s"
    )]
    SlowBody {
        /// Bytes received when the body fell behind.
        received: usize,
        /// Seconds since the body began.
        seconds: u64,
        /// The rate it had to keep up, in bytes per second.
        rate: usize,
        /// Seconds before the rate applies.
        grace: u64,
    },
    /// The server is too busy to take the request now.
    #[error(transparent)]
    Busy(#[from] crate::admission::Busy),
    /// The store failed or refused.
    #[error(transparent)]
    Store(#[from] StoreError),
}

impl ApiError {
    /// Maps an error that ended a response stream before its first byte.
    pub fn from_stream_error(error: std::io::Error) -> Self {
        match crate::sparql::as_store_error(&error) {
            Some(StoreError::Timeout(limit)) => Self::Store(StoreError::Timeout(*limit)),
            Some(StoreError::Evaluation(message)) => {
                Self::Store(StoreError::Evaluation(message.clone()))
            }
            Some(StoreError::Unavailable(message)) => {
                Self::Store(StoreError::Unavailable(message.clone()))
            }
            _ => Self::Store(StoreError::Io(error)),
        }
    }
}

impl ResponseError for ApiError {
    fn status_code(&self) -> StatusCode {
        match self {
            Self::BadRequest(_) | Self::Protocol(_) | Self::InvalidAccept(_) => {
                StatusCode::BAD_REQUEST
            }
            Self::Unauthorized => StatusCode::UNAUTHORIZED,
            Self::Forbidden(_) => StatusCode::FORBIDDEN,
            Self::NotFound(_) => StatusCode::NOT_FOUND,
            Self::MethodNotAllowed(_) => StatusCode::METHOD_NOT_ALLOWED,
            Self::NotAcceptable(_) => StatusCode::NOT_ACCEPTABLE,
            Self::UnsupportedMediaType(_) => StatusCode::UNSUPPORTED_MEDIA_TYPE,
            Self::PayloadTooLarge(_) => StatusCode::PAYLOAD_TOO_LARGE,
            Self::SlowBody { .. } => StatusCode::REQUEST_TIMEOUT,
            Self::Busy(_) => StatusCode::SERVICE_UNAVAILABLE,
            Self::Store(error) => match error {
                StoreError::Timeout(_) | StoreError::Unavailable(_) => {
                    StatusCode::SERVICE_UNAVAILABLE
                }
                StoreError::Evaluation(_) | StoreError::Syntax { .. } => StatusCode::BAD_REQUEST,
                StoreError::GraphNotFound(_) => StatusCode::NOT_FOUND,
                StoreError::Io(_) | StoreError::Storage(_) => StatusCode::INTERNAL_SERVER_ERROR,
            },
        }
    }

    fn error_response(&self) -> HttpResponse {
        let status = self.status_code();
        let message = if status == StatusCode::INTERNAL_SERVER_ERROR {
            // The cause goes to the log, not to the client.
            tracing::error!(error = %self, "internal error");
            "internal server error".to_owned()
        } else {
            self.to_string()
        };
        let mut response = HttpResponse::build(status);
        response.insert_header(ContentType::plaintext());
        if matches!(self, Self::Unauthorized) {
            response.insert_header((header::WWW_AUTHENTICATE, "Bearer realm=\"kgql\""));
        }
        if let Self::Busy(busy) = self {
            response.insert_header((header::RETRY_AFTER, busy.retry_after.as_secs().max(1)));
        }
        response.body(message + "\n")
    }
}
