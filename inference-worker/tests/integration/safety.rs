//! Provider safety: what a hostile artifact URI or a hostile model can no longer do.

use crate::common::{
	engine, engine_config, fixtures, run_probe, script_model, serve, Reply, PROBE_PASSED,
};
use infera_primitives::model::{AgreementRule, TensorSpec};
use infera_worker::{
	engine::ModelSpec,
	error::WorkerError,
	fetch::{FetchPolicy, MAX_REDIRECTS},
	store::ModelStore,
	vetting,
};
use std::{
	net::{IpAddr, Ipv4Addr, SocketAddr},
	path::PathBuf,
	time::Duration,
};

/// The cap of the stores built here.
const CAP: u64 = 1 << 20;

/// A strict policy (no private addresses) allowing `dirs` and the given exceptions.
fn policy(dirs: &[PathBuf], exceptions: &[SocketAddr]) -> FetchPolicy {
	let mut policy =
		FetchPolicy::new(dirs, CAP, Duration::from_secs(5), Duration::from_secs(20)).unwrap();
	policy.private_exceptions = exceptions.to_vec();
	policy
}

async fn fetch(policy: FetchPolicy, uri: &str) -> Result<Vec<u8>, WorkerError> {
	let cache = tempfile::tempdir().unwrap();
	ModelStore::new(cache.path(), policy).unwrap().artifact(&[7; 32], uri).await
}

fn ok(body: Vec<u8>) -> Reply {
	Reply::Fixed(format!("HTTP/1.1 200 OK\r\nContent-Length: {}", body.len()), body)
}

fn redirect(to: &str) -> Reply {
	Reply::Fixed(format!("HTTP/1.1 302 Found\r\nLocation: {to}\r\nContent-Length: 0"), vec![])
}

#[tokio::test]
async fn dev_zero_is_refused_and_never_read() {
	let allowed = tempfile::tempdir().unwrap();
	let err = fetch(policy(&[allowed.path().into()], &[]), "file:///dev/zero").await.unwrap_err();
	assert!(matches!(err, WorkerError::ArtifactPathNotAllowed { .. }), "{err}");
	// Even where /dev is allowed, a device is not a regular file: refused before any read
	// (reading it would fill the cap with zeros, then fail on the size, not the type).
	let err = fetch(policy(&["/dev".into()], &[]), "file:///dev/zero").await.unwrap_err();
	assert!(matches!(err, WorkerError::NotARegularFile { .. }), "{err}");
}

#[tokio::test]
async fn paths_outside_the_artifact_dirs_are_refused() {
	let allowed = tempfile::tempdir().unwrap();
	let strict = || policy(&[allowed.path().into()], &[]);
	let err = fetch(strict(), "file:///etc/passwd").await.unwrap_err();
	assert!(matches!(err, WorkerError::ArtifactPathNotAllowed { .. }), "{err}");
	let dotdot = format!("file://{}/../../../etc/passwd", allowed.path().display());
	let err = fetch(strict(), &dotdot).await.unwrap_err();
	assert!(matches!(err, WorkerError::ArtifactPathNotAllowed { .. }), "{err}");
	let link = allowed.path().join("model.pt");
	std::os::unix::fs::symlink("/etc/passwd", &link).unwrap();
	let err = fetch(strict(), &format!("file://{}", link.display())).await.unwrap_err();
	assert!(matches!(err, WorkerError::ArtifactPathNotAllowed { .. }), "{err}");
	let relative = fetch(strict(), "file://etc/passwd").await.unwrap_err();
	assert!(matches!(relative, WorkerError::ArtifactPathNotAllowed { .. }), "{relative}");
	// No directory allowed (the default): nothing under file:// is read.
	let err = fetch(policy(&[], &[]), &format!("file://{}", link.display())).await.unwrap_err();
	assert!(matches!(err, WorkerError::ArtifactPathNotAllowed { .. }), "{err}");
	// The allowed directory itself serves its regular files (within the cap).
	let inside = allowed.path().join("inside.pt");
	std::fs::write(&inside, b"bytes").unwrap();
	let err = fetch(strict(), &format!("file://{}", inside.display())).await.unwrap_err();
	assert!(matches!(err, WorkerError::ArtifactHashMismatch { .. }), "{err}");
	std::fs::write(&inside, vec![0u8; CAP as usize + 1]).unwrap();
	let err = fetch(strict(), &format!("file://{}", inside.display())).await.unwrap_err();
	assert!(matches!(err, WorkerError::ArtifactTooLarge { .. }), "{err}");
}

#[tokio::test]
async fn a_redirect_to_loopback_is_refused() {
	let f = fixtures();
	let good = std::fs::read(f.dir.join(&f.model("digits-mlp").file)).unwrap();
	let target = serve(ok(good.clone())).await;
	let first = serve(redirect(&format!("http://{target}/digits-mlp.pt"))).await;
	let uri = format!("http://{first}/digits-mlp.pt");
	let hash = f.hash("digits-mlp");
	let cache = tempfile::tempdir().unwrap();

	// The first hop is allowed as an exception; the redirect's target, also on loopback but
	// not excepted, goes through the same check and is refused.
	let store = ModelStore::new(cache.path(), policy(&[], &[first])).unwrap();
	let err = store.artifact(&hash, &uri).await.unwrap_err();
	match err {
		WorkerError::PrivateAddress { address, .. } => {
			assert_eq!(address, IpAddr::V4(Ipv4Addr::LOCALHOST))
		}
		other => panic!("expected PrivateAddress, got {other}"),
	}
	// The same chain with the target excepted too is followed to the end: the refusal above
	// is the check's doing, not a broken redirect.
	let store = ModelStore::new(cache.path(), policy(&[], &[first, target])).unwrap();
	assert_eq!(store.artifact(&hash, &uri).await.unwrap(), good);
	// Without any exception the first hop is refused already.
	let err = fetch(policy(&[], &[]), &uri).await.unwrap_err();
	assert!(matches!(err, WorkerError::PrivateAddress { .. }), "{err}");
}

#[tokio::test]
async fn redirect_chains_are_bounded() {
	// Each server redirects to the previous one; the last one in the chain answers 200.
	let mut next = serve(ok(b"end".to_vec())).await;
	let mut hops = vec![next];
	for _ in 0..=MAX_REDIRECTS {
		next = serve(redirect(&format!("http://{next}/"))).await;
		hops.push(next);
	}
	let err = fetch(policy(&[], &hops), &format!("http://{next}/")).await.unwrap_err();
	assert!(matches!(err, WorkerError::TooManyRedirects { .. }), "{err}");
	// One hop fewer is within the limit (the body then fails only its hash check).
	let err = fetch(policy(&[], &hops), &format!("http://{}/", hops[MAX_REDIRECTS])).await;
	assert!(matches!(err, Err(WorkerError::ArtifactHashMismatch { .. })), "{err:?}");
}

#[tokio::test]
async fn oversized_bodies_are_cut_at_the_cap() {
	let endless = serve(Reply::Endless).await;
	let err = fetch(policy(&[], &[endless]), &format!("http://{endless}/")).await.unwrap_err();
	match err {
		WorkerError::ArtifactTooLarge { size, limit, .. } => {
			assert_eq!(limit, CAP);
			assert!(size > CAP && size < CAP + (1 << 20), "read {size} bytes for a cap of {CAP}");
		}
		other => panic!("expected ArtifactTooLarge, got {other}"),
	}
	let announced = Reply::Fixed(format!("HTTP/1.1 200 OK\r\nContent-Length: {}", CAP + 1), vec![]);
	let big = serve(announced).await;
	let err = fetch(policy(&[], &[big]), &format!("http://{big}/")).await.unwrap_err();
	match err {
		WorkerError::ArtifactTooLarge { size, .. } => assert_eq!(size, CAP + 1),
		other => panic!("expected ArtifactTooLarge, got {other}"),
	}
}

/// A model that maps `/etc/passwd` into a tensor in its forward pass.
const READS_A_FILE: &str = r#"
class Model(torch.nn.Module):
    def forward(self, x: torch.Tensor) -> torch.Tensor:
        leaked = torch.from_file("/etc/passwd", False, 16, dtype=torch.uint8)
        return x + leaked.sum().to(torch.float32) * 0.0
"#;

#[tokio::test]
async fn a_model_calling_from_file_is_refused_at_load() {
	let dir = tempfile::tempdir().unwrap();
	let (uri, hash) = script_model(dir.path(), "reads-a-file.pt", READS_A_FILE);
	let cache = tempfile::tempdir().unwrap();
	let worker = engine(cache.path(), engine_config(4, 1));
	let spec: TensorSpec =
		serde_json::from_value(serde_json::json!({"dtype": "f32", "shape": [4]})).unwrap();
	let spec = ModelSpec { input: spec.clone(), output: spec, rule: AgreementRule::Exact };
	let err = worker.load_model(hash, uri, spec).await.unwrap_err();
	match err {
		WorkerError::ForbiddenOperator { operator, .. } => assert_eq!(operator, "torch.from_file"),
		other => panic!("expected ForbiddenOperator, got {other}"),
	}
	assert!(worker.loaded().is_empty());
}

#[test]
fn exported_models_pass_vetting() {
	let f = fixtures();
	let names: Vec<&str> = f.names().collect();
	assert!(names.len() >= 2, "the export has {names:?}");
	for name in names {
		let bytes = std::fs::read(f.dir.join(&f.model(name).file)).unwrap();
		vetting::vet(&bytes).unwrap_or_else(|e| panic!("{name}: {e}"));
	}
}

/// Set in the environment of the process [`memory_probe`] runs in.
const MEMORY_PROBE: &str = "INFERA_MEMORY_PROBE";

/// The resident memory the worker's metrics report for this process.
fn resident_bytes(metrics: &infera_worker::metrics::Metrics) -> f64 {
	let text = metrics.render();
	let line = text.lines().find_map(|l| l.strip_prefix("infera_worker_resident_memory_bytes "));
	line.expect("resident memory metric").parse().unwrap()
}

/// Run in a process of its own by [`hostile_uris_leave_resident_memory_bounded`] (so that no
/// other test's allocations count): each hostile URI, several times, against the resident
/// memory the worker's metric reports.
#[test]
fn memory_probe() {
	if std::env::var_os(MEMORY_PROBE).is_none() {
		return;
	}
	let metrics = infera_worker::metrics::Metrics::new("cpu").unwrap();
	let runtime = tokio::runtime::Builder::new_current_thread().enable_all().build().unwrap();
	runtime.block_on(async {
		let endless = serve(Reply::Endless).await;
		let target = serve(ok(b"model".to_vec())).await;
		let first = serve(redirect(&format!("http://{target}/"))).await;
		let attempts = || async {
			let dev = fetch(policy(&["/dev".into()], &[]), "file:///dev/zero").await;
			assert!(matches!(dev, Err(WorkerError::NotARegularFile { .. })), "{dev:?}");
			let passwd = fetch(policy(&[], &[]), "file:///etc/passwd").await;
			assert!(
				matches!(passwd, Err(WorkerError::ArtifactPathNotAllowed { .. })),
				"{passwd:?}"
			);
			let loopback = fetch(policy(&[], &[first]), &format!("http://{first}/")).await;
			assert!(matches!(loopback, Err(WorkerError::PrivateAddress { .. })), "{loopback:?}");
			let big = fetch(policy(&[], &[endless]), &format!("http://{endless}/")).await;
			assert!(matches!(big, Err(WorkerError::ArtifactTooLarge { .. })), "{big:?}");
		};
		// Once to warm up the HTTP client and the allocator, then measured.
		attempts().await;
		let before = resident_bytes(&metrics);
		let mut peak = before;
		for _ in 0..5 {
			attempts().await;
			peak = peak.max(resident_bytes(&metrics));
		}
		let growth = peak - before;
		println!("resident memory {before:.0} bytes, peak growth {growth:.0} bytes");
		assert!(growth < (2 * CAP) as f64 + 8e6, "grew by {growth} bytes for a cap of {CAP}");
	});
	println!("{PROBE_PASSED}");
}

#[test]
fn hostile_uris_leave_resident_memory_bounded() {
	let stdout = run_probe("safety::memory_probe", MEMORY_PROBE, "1".as_ref());
	println!("{}", stdout.lines().find(|l| l.starts_with("resident memory")).unwrap_or_default());
}
