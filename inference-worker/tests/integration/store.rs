//! Artifact fetching and verification: corrupt artifacts are refused and never cached.

use crate::common::{engine, engine_config, fixtures, serve, Reply};
use infera_primitives::model::AgreementRule;
use infera_worker::{engine::Engine, error::WorkerError};
use std::path::Path;

fn cached_files(dir: &Path) -> Vec<String> {
	std::fs::read_dir(dir)
		.unwrap()
		.map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
		.collect()
}

async fn load(engine: &Engine, uri: String) -> Result<(), WorkerError> {
	let f = fixtures();
	let spec = f.spec("digits-mlp", AgreementRule::TopK { k: 1 });
	engine.load_model(f.hash("digits-mlp"), uri, spec).await.map(drop)
}

#[tokio::test]
async fn corrupt_truncated_or_wrong_artifacts_are_refused_and_not_cached() {
	let f = fixtures();
	let files = tempfile::tempdir().unwrap();
	let good = std::fs::read(f.dir.join(&f.model("digits-mlp").file)).unwrap();
	let mut flipped = good.clone();
	flipped[good.len() / 2] ^= 1;
	let other = std::fs::read(f.dir.join(&f.model("digits-cnn").file)).unwrap();
	let cache = tempfile::tempdir().unwrap();
	let worker = engine(cache.path(), engine_config(4, 1));
	for (name, bytes) in
		[("truncated", &good[..good.len() - 100]), ("flipped", &flipped[..]), ("other", &other[..])]
	{
		let path = files.path().join(name);
		std::fs::write(&path, bytes).unwrap();
		let err = load(&worker, format!("file://{}", path.display())).await.unwrap_err();
		assert!(matches!(err, WorkerError::ArtifactHashMismatch { .. }), "{name}: {err}");
		assert!(cached_files(cache.path()).is_empty(), "{name} was cached");
	}
	assert!(worker.models().is_empty(), "a refused model was registered");

	// A damaged cache entry is detected, removed and fetched again.
	load(&worker, f.uri("digits-mlp")).await.unwrap();
	let cached = cache.path().join(format!("{}.pt", hex::encode(f.hash("digits-mlp"))));
	assert_eq!(std::fs::read(&cached).unwrap(), good);
	std::fs::write(&cached, &flipped).unwrap();
	let fresh = engine(cache.path(), engine_config(4, 1));
	load(&fresh, f.uri("digits-mlp")).await.unwrap();
	assert_eq!(std::fs::read(&cached).unwrap(), good);
}

/// Serves `body` with `status` to every HTTP request on a local port; returns the base URL.
async fn serve_http(status: &'static str, body: Vec<u8>) -> String {
	let head = format!("HTTP/1.1 {status}\r\nContent-Length: {}", body.len());
	format!("http://{}", serve(Reply::Fixed(head, body)).await)
}

#[tokio::test]
async fn artifacts_are_fetched_over_http() {
	let f = fixtures();
	let good = std::fs::read(f.dir.join(&f.model("digits-mlp").file)).unwrap();
	let cache = tempfile::tempdir().unwrap();
	let engine = engine(cache.path(), engine_config(4, 1));

	let missing = serve_http("404 Not Found", b"no such model".to_vec()).await;
	let err = load(&engine, format!("{missing}/digits-mlp.pt")).await.unwrap_err();
	assert!(matches!(err, WorkerError::Fetch { .. }), "{err}");

	let truncated = serve_http("200 OK", good[..good.len() / 2].to_vec()).await;
	let err = load(&engine, format!("{truncated}/digits-mlp.pt")).await.unwrap_err();
	assert!(matches!(err, WorkerError::ArtifactHashMismatch { .. }), "{err}");
	assert!(cached_files(cache.path()).is_empty());

	let server = serve_http("200 OK", good.clone()).await;
	load(&engine, format!("{server}/digits-mlp.pt")).await.unwrap();
	assert_eq!(
		cached_files(cache.path()),
		vec![format!("{}.pt", hex::encode(f.hash("digits-mlp")))]
	);
}
