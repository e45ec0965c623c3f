//! Starting kgql: opening the store the settings name, seeding it, bringing its index in step,
//! and binding the HTTP server. `kgql serve`, the integration tests and the benchmarks all start
//! this way, so that what is tested is what runs.

use crate::config::{Settings, StoreAuth, StoreLocation};
use crate::http;
use crate::ontology;
use crate::store::embedded::EmbeddedStore;
use crate::store::remote::{Credentials, RemoteConfig, RemoteStore};
use crate::store::{SharedStore, StoreError};
use std::sync::Arc;

/// Why kgql could not start.
#[derive(Debug, thiserror::Error)]
pub enum StartupError {
    /// The store could not be opened (or, for a remote engine, configured).
    #[error("cannot open the store at {location}")]
    Open {
        /// Where the settings put the store.
        location: String,
        /// Why.
        #[source]
        cause: StoreError,
    },
    /// The built-in ontology and seed graph could not be loaded into the empty store.
    #[error("cannot load the built-in ontology and seed graph")]
    Seed(#[source] StoreError),
    /// The server could not listen.
    #[error("cannot listen on {address}")]
    Bind {
        /// The address asked for.
        address: String,
        /// Why.
        #[source]
        cause: std::io::Error,
    },
}

/// Opens the store the settings name: a directory, memory, or a remote SPARQL engine.
pub fn open_store(settings: &Settings) -> Result<SharedStore, StartupError> {
    let failed = |cause| StartupError::Open {
        location: settings.store.to_string(),
        cause,
    };
    let store = match &settings.store {
        StoreLocation::Memory => EmbeddedStore::in_memory(),
        StoreLocation::Directory(path) => EmbeddedStore::open(path),
        StoreLocation::Remote(url) => {
            let remote = &settings.remote;
            let mut config = RemoteConfig::new(url);
            if let Some(update_url) = &remote.update_url {
                config.update_url.clone_from(update_url);
            }
            config.graph_store_url.clone_from(&remote.graph_store_url);
            config.credentials = match (&remote.user, &remote.token) {
                (Some((user, password, StoreAuth::Basic)), _) => Credentials::Basic {
                    user: user.clone(),
                    password: password.clone(),
                },
                (Some((user, password, StoreAuth::Digest)), _) => Credentials::Digest {
                    user: user.clone(),
                    password: password.clone(),
                },
                (None, Some(token)) => Credentials::Bearer(token.clone()),
                (None, None) => Credentials::None,
            };
            config.connect_timeout = settings.query_timeout.min(config.connect_timeout);
            return RemoteStore::new(config)
                .map(|store| Arc::new(store) as SharedStore)
                .map_err(failed);
        }
    }
    .map_err(failed)?;
    Ok(Arc::new(
        store.with_union_default_graph(settings.union_default_graph),
    ))
}

/// Opens the store for serving: seeded with the built-in ontology and seed graph when it is
/// empty (unless `seed` is false), its index brought in step in the background.
pub async fn open(settings: &Settings, seed: bool) -> Result<SharedStore, StartupError> {
    let store = open_store(settings)?;
    prepare(&store, settings, seed).await?;
    Ok(store)
}

/// Seeds an opened store when it is empty (unless `seed` is false) and starts bringing its
/// index in step.
pub async fn prepare(
    store: &SharedStore,
    settings: &Settings,
    seed: bool,
) -> Result<(), StartupError> {
    if seed
        && ontology::load_if_empty(store, &settings.base_iri)
            .await
            .map_err(StartupError::Seed)?
    {
        tracing::info!("the store was empty: loaded the built-in ontology and seed graph");
    }
    store.catch_up_in_background();
    Ok(())
}

/// Binds the HTTP server on `store` (run it with [`http::Server::run`]).
pub fn bind(settings: Settings, store: SharedStore) -> Result<http::Server, StartupError> {
    let address = settings.bind.clone();
    http::Server::bind(settings, store).map_err(|cause| StartupError::Bind { address, cause })
}
