//! Operations: `/healthz`, `/readyz` and `/metrics`.

use super::error::ApiError;
use super::State;
use crate::store::StoreError;
use actix_web::http::header::ContentType;
use actix_web::ResponseError;
use actix_web::{web, HttpResponse};

/// Registers the routes.
pub fn configure(config: &mut web::ServiceConfig) {
    config
        .route("/healthz", web::get().to(healthz))
        .route("/readyz", web::get().to(readyz))
        .route("/metrics", web::get().to(metrics));
}

async fn healthz() -> HttpResponse {
    HttpResponse::Ok()
        .insert_header(ContentType::plaintext())
        .body("ok\n")
}

async fn readyz(state: State) -> HttpResponse {
    match state.store.ping().await {
        Ok(()) => HttpResponse::Ok()
            .insert_header(ContentType::plaintext())
            .body("ready\n"),
        Err(error) => {
            tracing::warn!(%error, "store not ready");
            // Whatever failed, the server is not ready: 503, so that a balancer looks elsewhere.
            let unready = StoreError::Unavailable(format!("the store is not reachable: {error}"));
            ApiError::Store(unready).error_response()
        }
    }
}

async fn metrics(state: State) -> HttpResponse {
    // Counting the store scans it: done at most once a minute, whatever the scrape interval.
    let size = match state.scans.size.fresh(|_| true) {
        Some(size) => Some(size),
        None => state.store.size().await.ok().inspect(|size| {
            state.scans.size.keep(*size);
        }),
    };
    if let Some(size) = size {
        state.metrics.set_store_quads(size.quads);
    }
    state
        .metrics
        .set_running_queries(state.store.running_queries());
    HttpResponse::Ok()
        .content_type("application/openmetrics-text; version=1.0.0; charset=utf-8")
        .body(state.metrics.render())
}
