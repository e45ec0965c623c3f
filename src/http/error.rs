//! The one place where errors become HTTP responses.

use crate::formats::InvalidAccept;
use crate::sparql::ProtocolError;
use crate::store::{code, StoreError};
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
    /// A GraphQL request the server made for a page failed.
    #[error("{message}")]
    Graphql {
        /// The error's `extensions.code`.
        code: &'static str,
        /// Its message.
        message: String,
    },
}

/// The status of each kind of error ([`code`]): the one map from errors to HTTP statuses.
fn status_of(kind: &str) -> StatusCode {
    match kind {
        code::BAD_REQUEST
        | code::BAD_USER_INPUT
        | code::GRAPHQL_PARSE_FAILED
        | code::GRAPHQL_VALIDATION_FAILED
        | code::PERSISTED_QUERY_NOT_FOUND
        | code::LIMIT_EXCEEDED
        | code::INVALID_RDF => StatusCode::BAD_REQUEST,
        code::UNAUTHENTICATED => StatusCode::UNAUTHORIZED,
        code::FORBIDDEN => StatusCode::FORBIDDEN,
        code::NOT_FOUND => StatusCode::NOT_FOUND,
        code::METHOD_NOT_ALLOWED => StatusCode::METHOD_NOT_ALLOWED,
        code::NOT_ACCEPTABLE => StatusCode::NOT_ACCEPTABLE,
        code::UNSUPPORTED_MEDIA_TYPE => StatusCode::UNSUPPORTED_MEDIA_TYPE,
        code::PAYLOAD_TOO_LARGE => StatusCode::PAYLOAD_TOO_LARGE,
        code::REQUEST_TIMEOUT => StatusCode::REQUEST_TIMEOUT,
        code::BUSY | code::TIMEOUT | code::STORE_UNAVAILABLE => StatusCode::SERVICE_UNAVAILABLE,
        code::UPSTREAM_ERROR => StatusCode::BAD_GATEWAY,
        _ => StatusCode::INTERNAL_SERVER_ERROR,
    }
}

impl ApiError {
    /// The first error of a GraphQL response the server asked for itself, by its code.
    pub fn from_graphql(error: &async_graphql::ServerError) -> Self {
        let reported = error
            .extensions
            .as_ref()
            .and_then(|extensions| match extensions.get("code") {
                Some(async_graphql::Value::String(reported)) => Some(reported.clone()),
                _ => None,
            })
            .unwrap_or_default();
        let kind = code::ALL
            .into_iter()
            .find(|known| *known == reported)
            .unwrap_or(code::INTERNAL_SERVER_ERROR);
        Self::Graphql {
            code: kind,
            message: error.message.clone(),
        }
    }

    /// Maps an error that ended a response stream before its first byte.
    pub fn from_stream_error(error: std::io::Error) -> Self {
        match error.downcast::<StoreError>() {
            Ok(store) => Self::Store(store),
            Err(error) => Self::Store(StoreError::Io(error)),
        }
    }

    /// The HTTP status, by the error's kind.
    pub fn status(&self) -> StatusCode {
        status_of(self.code())
    }

    /// A stable name of the kind of error, for programs: GraphQL's `extensions.code`.
    pub fn code(&self) -> &'static str {
        match self {
            Self::BadRequest(_) | Self::Protocol(_) | Self::InvalidAccept(_) => code::BAD_REQUEST,
            Self::Unauthorized => code::UNAUTHENTICATED,
            Self::Forbidden(_) => code::FORBIDDEN,
            Self::NotFound(_) => code::NOT_FOUND,
            Self::MethodNotAllowed(_) => code::METHOD_NOT_ALLOWED,
            Self::NotAcceptable(_) => code::NOT_ACCEPTABLE,
            Self::UnsupportedMediaType(_) => code::UNSUPPORTED_MEDIA_TYPE,
            Self::PayloadTooLarge(_) => code::PAYLOAD_TOO_LARGE,
            Self::SlowBody { .. } => code::REQUEST_TIMEOUT,
            Self::Busy(_) => code::BUSY,
            Self::Store(error) => error.code(),
            Self::Graphql { code, .. } => code,
        }
    }

    /// What the client is told: the error itself, except for the server's own failures, whose
    /// cause goes to the log (an engine's failure is logged, and told, as the engine's).
    fn message(&self) -> String {
        let status = self.status();
        if status == StatusCode::INTERNAL_SERVER_ERROR {
            tracing::error!(error = self as &dyn std::error::Error, "internal error");
            return code::INTERNAL_MESSAGE.to_owned();
        }
        if status == StatusCode::BAD_GATEWAY {
            tracing::warn!(error = %self, "the SPARQL engine failed");
        }
        self.to_string()
    }

    /// The response with this error's status and headers, and `body` made from its message.
    fn respond(&self, content_type: &str, body: impl FnOnce(&str) -> String) -> HttpResponse {
        let mut response = HttpResponse::build(self.status());
        response.insert_header((header::CONTENT_TYPE, content_type));
        if matches!(self, Self::Unauthorized) {
            response.insert_header((header::WWW_AUTHENTICATE, "Bearer realm=\"kgql\""));
        }
        if let Self::Busy(busy) = self {
            response.insert_header((header::RETRY_AFTER, busy.retry_after.as_secs().max(1)));
        }
        response.body(body(&self.message()))
    }

    /// The error as GraphQL over HTTP refuses a request: `{"errors": [{"message", "extensions":
    /// {"code"}}]}`.
    pub fn graphql_response(&self) -> HttpResponse {
        self.respond("application/json", |message| {
            serde_json::json!({
                "errors": [{ "message": message, "extensions": { "code": self.code() } }]
            })
            .to_string()
        })
    }

    /// The error as a page, `page` laying the message out.
    pub fn html_response(&self, page: impl FnOnce(&str) -> String) -> HttpResponse {
        self.respond("text/html; charset=utf-8", page)
    }
}

impl ResponseError for ApiError {
    fn status_code(&self) -> StatusCode {
        self.status()
    }

    /// Plain text, as the SPARQL protocol, the Graph Store Protocol and linked data answer.
    fn error_response(&self) -> HttpResponse {
        self.respond(ContentType::plaintext().0.as_ref(), |message| {
            format!("{message}\n")
        })
    }
}
