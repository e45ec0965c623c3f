//! The write token: updates and Graph Store writes need `Authorization: Bearer <token>`.

use super::error::ApiError;
use crate::config::Secret;
use actix_web::http::header;
use actix_web::HttpRequest;

/// Checks that `request` may change the graph.
pub fn require_write(request: &HttpRequest, token: Option<&Secret>) -> Result<(), ApiError> {
    let Some(token) = token else {
        return Err(ApiError::Forbidden(
            "this server is read-only: it was started without a write token",
        ));
    };
    let Some(value) = request.headers().get(header::AUTHORIZATION) else {
        return Err(ApiError::Unauthorized);
    };
    let presented = value
        .to_str()
        .ok()
        .and_then(|v| {
            let (scheme, credentials) = v.trim().split_once(' ')?;
            scheme
                .eq_ignore_ascii_case("bearer")
                .then_some(credentials.trim())
        })
        .ok_or(ApiError::Forbidden(
            "the Authorization header must be 'Bearer <token>'",
        ))?;
    if constant_time_eq(presented.as_bytes(), token.expose().as_bytes()) {
        Ok(())
    } else {
        Err(ApiError::Forbidden("the write token is wrong"))
    }
}

/// Compares without leaking, through timing, how long a common prefix is.
fn constant_time_eq(a: &[u8], b: &[u8]) -> bool {
    if a.len() != b.len() {
        return false;
    }
    a.iter().zip(b).fold(0_u8, |acc, (x, y)| acc | (x ^ y)) == 0
}
