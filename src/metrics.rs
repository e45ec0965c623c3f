//! Prometheus metrics: HTTP requests by route and status, latency histograms, SPARQL queries
//! run, and the store's size.

use prometheus_client::encoding::EncodeLabelSet;
use prometheus_client::metrics::counter::Counter;
use prometheus_client::metrics::family::Family;
use prometheus_client::metrics::gauge::Gauge;
use prometheus_client::metrics::histogram::{exponential_buckets, Histogram};
use prometheus_client::registry::Registry;
use std::time::Duration;

/// Labels of a served request.
#[derive(Clone, Debug, Hash, PartialEq, Eq, EncodeLabelSet)]
pub struct RequestLabels {
    /// The route pattern, e.g. `/sparql` or `/id/{path}`.
    pub route: String,
    /// The HTTP method.
    pub method: String,
    /// The response status.
    pub status: u16,
}

/// Labels of a request's duration.
#[derive(Clone, Debug, Hash, PartialEq, Eq, EncodeLabelSet)]
pub struct RouteLabels {
    /// The route pattern.
    pub route: String,
}

/// Labels of a SPARQL query sent to the store.
#[derive(Clone, Debug, Hash, PartialEq, Eq, EncodeLabelSet)]
pub struct QueryLabels {
    /// What asked for it: `sparql`, `graphql`, `linked-data`...
    pub origin: String,
}

/// Labels of a request refused to protect the server.
#[derive(Clone, Debug, Hash, PartialEq, Eq, EncodeLabelSet)]
pub struct RefusalLabels {
    /// What was full: `busy` (evaluations) or `streams`.
    pub reason: String,
}

/// The server's metrics.
pub struct Metrics {
    registry: Registry,
    requests: Family<RequestLabels, Counter>,
    refused: Family<RefusalLabels, Counter>,
    durations: Family<RouteLabels, Histogram>,
    queries: Family<QueryLabels, Counter>,
    store_quads: Gauge<i64, std::sync::atomic::AtomicI64>,
    running_queries: Gauge<i64, std::sync::atomic::AtomicI64>,
}

impl Default for Metrics {
    fn default() -> Self {
        Self::new()
    }
}

impl Metrics {
    /// Creates the metrics and their registry.
    pub fn new() -> Self {
        let mut registry = Registry::with_prefix("kgql");
        let requests = Family::<RequestLabels, Counter>::default();
        registry.register(
            "http_requests",
            "HTTP requests served, by route, method and status",
            requests.clone(),
        );
        let durations = Family::<RouteLabels, Histogram>::new_with_constructor(|| {
            Histogram::new(exponential_buckets(0.0005, 2.0, 16))
        });
        registry.register(
            "http_request_duration_seconds",
            "Time to answer HTTP requests, by route",
            durations.clone(),
        );
        let queries = Family::<QueryLabels, Counter>::default();
        registry.register(
            "sparql_queries",
            "SPARQL queries and updates sent to the store, by origin",
            queries.clone(),
        );
        let refused = Family::<RefusalLabels, Counter>::default();
        registry.register(
            "requests_shed",
            "Requests refused with 503 because the server was at capacity, by what was full",
            refused.clone(),
        );
        let store_quads = Gauge::default();
        registry.register(
            "store_quads",
            "Quads in the store at the last scrape",
            store_quads.clone(),
        );
        let running_queries = Gauge::default();
        registry.register(
            "store_running_queries",
            "Query evaluations running in the store at the last scrape, timed-out ones included",
            running_queries.clone(),
        );
        Self {
            registry,
            requests,
            refused,
            durations,
            queries,
            store_quads,
            running_queries,
        }
    }

    /// Records a served request.
    pub fn observe_request(&self, route: &str, method: &str, status: u16, duration: Duration) {
        // Methods are any token a client sends: only the standard ones get a series of their
        // own, so that no client can grow the registry without bound.
        let method = match method {
            "GET" | "HEAD" | "POST" | "PUT" | "DELETE" | "OPTIONS" | "PATCH" => method,
            _ => "other",
        };
        self.requests
            .get_or_create(&RequestLabels {
                route: route.to_owned(),
                method: method.to_owned(),
                status,
            })
            .inc();
        self.durations
            .get_or_create(&RouteLabels {
                route: route.to_owned(),
            })
            .observe(duration.as_secs_f64());
    }

    /// Records a request refused because `reason` was at capacity.
    pub fn count_refused(&self, reason: &str) {
        self.refused
            .get_or_create(&RefusalLabels {
                reason: reason.to_owned(),
            })
            .inc();
    }

    /// Records `count` SPARQL operations sent to the store on behalf of `origin`.
    pub fn count_queries(&self, origin: &str, count: u64) {
        self.queries
            .get_or_create(&QueryLabels {
                origin: origin.to_owned(),
            })
            .inc_by(count);
    }

    /// Records the store's size.
    pub fn set_store_quads(&self, quads: u64) {
        self.store_quads
            .set(i64::try_from(quads).unwrap_or(i64::MAX));
    }

    /// Records how many query evaluations are running in the store.
    pub fn set_running_queries(&self, running: usize) {
        self.running_queries
            .set(i64::try_from(running).unwrap_or(i64::MAX));
    }

    /// The metrics in Prometheus' text exposition format.
    pub fn render(&self) -> String {
        let mut text = String::new();
        prometheus_client::encoding::text::encode(&mut text, &self.registry)
            .expect("writing to a String cannot fail");
        text
    }
}
