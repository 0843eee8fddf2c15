//! Every failure a request can meet, mapped once to a stable JSON-RPC error code.
//!
//! Codes are in the server-defined range (`-32000` down). Clients (the provider's off-chain
//! worker, the CLI, tests) match on the code; the message explains the cause to a person.
//! Errors of the transport itself keep jsonrpsee's codes, e.g. `-32007` for a request body
//! above `--max-request-bytes` (HTTP status 413) and `-32602` for malformed params.

use infera_primitives::canonical::CanonicalError;
use jsonrpsee::types::ErrorObjectOwned;

/// Stable JSON-RPC error codes of the worker.
pub mod code {
	/// The model hash is neither loaded nor registered with `load_model`.
	pub const UNKNOWN_MODEL: i32 = -32001;
	/// The input bytes do not match the model's input spec (length, dtype × shape).
	pub const INVALID_INPUT: i32 = -32002;
	/// blake2-256 of the input differs from the `input_hash` the caller expects.
	pub const INPUT_HASH_MISMATCH: i32 = -32003;
	/// A hex or base64 field could not be decoded.
	pub const MALFORMED_ENCODING: i32 = -32004;
	/// The worker could not run the forward pass (building or moving tensors, a panic). A
	/// model that raises on an input, or returns a tensor unlike its output spec, is not an
	/// error: `infer` answers with a signed `forward_failed` refusal.
	pub const FORWARD_FAILED: i32 = -32005;
	/// The model's queue is full: back off and retry.
	pub const QUEUE_FULL: i32 = -32006;
	/// The inference did not complete within the request timeout.
	pub const TIMEOUT: i32 = -32008;
	/// The artifact could not be fetched (I/O, HTTP status, unsupported URI, timeout).
	pub const FETCH_FAILED: i32 = -32010;
	/// The fetched artifact's blake2-256 differs from the registered hash (corrupt, truncated
	/// or a different file). It is neither cached nor loaded.
	pub const ARTIFACT_HASH_MISMATCH: i32 = -32011;
	/// The artifact passed its hash check but is not a loadable TorchScript module, or its
	/// outputs do not match the declared spec.
	pub const INVALID_ARTIFACT: i32 = -32012;
	/// The input spec, output spec or agreement rule given to `load_model` is invalid.
	pub const INVALID_SPEC: i32 = -32013;
	/// The model output cannot be canonicalized: a quantized element overflows `i64`. (NaN
	/// and infinity are not errors: `infer` answers with a signed `non_finite_output` refusal.)
	pub const NON_CANONICAL_OUTPUT: i32 = -32014;
	/// The worker is shutting down or a worker thread died.
	pub const UNAVAILABLE: i32 = -32015;
	/// The artifact's code calls an operator outside the vetting allowlist
	/// ([`crate::vetting`]); nothing of it ran.
	pub const FORBIDDEN_OPERATOR: i32 = -32016;
	/// A `file://` URI names a path outside every `--artifact-dir` (after resolving `..` and
	/// symbolic links), or no directory is allowed.
	pub const ARTIFACT_PATH_NOT_ALLOWED: i32 = -32017;
	/// A `file://` URI names something other than a regular file (a device, a FIFO, a
	/// directory); it is never read.
	pub const NOT_A_REGULAR_FILE: i32 = -32018;
	/// An `http(s)://` URI or one of its redirects resolves to a loopback, private, link-local
	/// or otherwise non-public address, and `--allow-private-fetch` is off.
	pub const PRIVATE_ADDRESS: i32 = -32019;
	/// The download was redirected more often than the store follows.
	pub const TOO_MANY_REDIRECTS: i32 = -32020;
	/// The artifact is larger than `--max-model-bytes` (announced or while reading).
	pub const ARTIFACT_TOO_LARGE: i32 = -32021;
	/// The model's forward pass (or its load) ran past `--model-timeout-ms`
	/// (`--model-load-timeout-secs`); its runner process was killed and the next request
	/// starts a new one ([`crate::sandbox`]).
	pub const MODEL_TIMED_OUT: i32 = -32022;
	/// The model's runner process died (a crash or a signal); the next request starts a new
	/// one.
	pub const MODEL_CRASHED: i32 = -32023;
}

/// What went wrong while serving a request.
#[derive(Debug, thiserror::Error)]
pub enum WorkerError {
	/// The params are not the method's JSON object (JSON-RPC's own `-32602`).
	#[error("invalid params: {0}")]
	InvalidParams(String),
	/// See [`code::UNKNOWN_MODEL`].
	#[error("unknown model 0x{0}: register it with load_model first")]
	UnknownModel(String),
	/// See [`code::INVALID_INPUT`].
	#[error("invalid input: {0}")]
	InvalidInput(String),
	/// See [`code::INPUT_HASH_MISMATCH`].
	#[error("input hash mismatch: expected 0x{expected}, the input bytes hash to 0x{actual}")]
	InputHashMismatch {
		/// The hash the caller announced.
		expected: String,
		/// The hash of the bytes received.
		actual: String,
	},
	/// See [`code::MALFORMED_ENCODING`].
	#[error("malformed {field}: {reason}")]
	MalformedEncoding {
		/// Which parameter.
		field: &'static str,
		/// The decoder's complaint.
		reason: String,
	},
	/// See [`code::FORWARD_FAILED`].
	#[error("forward pass failed: {0}")]
	Forward(String),
	/// See [`code::QUEUE_FULL`].
	#[error("queue of model 0x{0} is full, retry later")]
	QueueFull(String),
	/// See [`code::TIMEOUT`].
	#[error("inference timed out after {0} ms")]
	Timeout(u128),
	/// See [`code::FETCH_FAILED`].
	#[error("cannot fetch artifact from {uri}: {reason}")]
	Fetch {
		/// Where the artifact was fetched from.
		uri: String,
		/// Why it failed.
		reason: String,
	},
	/// See [`code::ARTIFACT_HASH_MISMATCH`].
	#[error("artifact hash mismatch: expected 0x{expected}, fetched bytes hash to 0x{actual} (corrupt, truncated or wrong file; refused)")]
	ArtifactHashMismatch {
		/// The registered hash.
		expected: String,
		/// The hash of the fetched bytes.
		actual: String,
	},
	/// See [`code::INVALID_ARTIFACT`].
	#[error("invalid artifact: {0}")]
	InvalidArtifact(String),
	/// See [`code::INVALID_SPEC`].
	#[error("invalid model spec: {0}")]
	InvalidSpec(String),
	/// See [`code::NON_CANONICAL_OUTPUT`].
	#[error("output cannot be canonicalized: {0}")]
	Canonical(CanonicalError),
	/// See [`code::UNAVAILABLE`].
	#[error("worker unavailable: {0}")]
	Unavailable(String),
	/// See [`code::FORBIDDEN_OPERATOR`].
	#[error("model refused: {file} calls {operator} ({reason})")]
	ForbiddenOperator {
		/// The archive entry holding the call.
		file: String,
		/// The qualified name refused.
		operator: String,
		/// Why it is refused.
		reason: String,
	},
	/// See [`code::ARTIFACT_PATH_NOT_ALLOWED`].
	#[error("artifact path {path} is not under an allowed --artifact-dir")]
	ArtifactPathNotAllowed {
		/// The path, resolved when it exists.
		path: String,
	},
	/// See [`code::NOT_A_REGULAR_FILE`].
	#[error("artifact path {path} is not a regular file")]
	NotARegularFile {
		/// The resolved path.
		path: String,
	},
	/// See [`code::PRIVATE_ADDRESS`].
	#[error("refusing to fetch {uri}: {host} resolves to the non-public address {address}")]
	PrivateAddress {
		/// The URI (first or redirected) being fetched.
		uri: String,
		/// Its host.
		host: String,
		/// The refused address.
		address: std::net::IpAddr,
	},
	/// See [`code::TOO_MANY_REDIRECTS`].
	#[error("fetching {uri} was redirected more than {limit} times")]
	TooManyRedirects {
		/// The first URI.
		uri: String,
		/// The number of redirects followed.
		limit: usize,
	},
	/// See [`code::ARTIFACT_TOO_LARGE`].
	#[error("artifact from {uri} exceeds the limit of {limit} bytes (at least {size} bytes)")]
	ArtifactTooLarge {
		/// Where it was fetched from.
		uri: String,
		/// The announced size, or the bytes read when the limit was crossed.
		size: u64,
		/// `--max-model-bytes`.
		limit: u64,
	},
	/// See [`code::MODEL_TIMED_OUT`].
	#[error("the model ran past its deadline of {0} ms; its runner was killed")]
	ModelTimedOut(u128),
	/// See [`code::MODEL_CRASHED`].
	#[error("the model's runner died: {0}")]
	ModelCrashed(String),
}

impl WorkerError {
	/// The stable JSON-RPC code of this error.
	pub fn code(&self) -> i32 {
		match self {
			WorkerError::InvalidParams(_) => jsonrpsee::types::error::INVALID_PARAMS_CODE,
			WorkerError::UnknownModel(_) => code::UNKNOWN_MODEL,
			WorkerError::InvalidInput(_) => code::INVALID_INPUT,
			WorkerError::InputHashMismatch { .. } => code::INPUT_HASH_MISMATCH,
			WorkerError::MalformedEncoding { .. } => code::MALFORMED_ENCODING,
			WorkerError::Forward(_) => code::FORWARD_FAILED,
			WorkerError::QueueFull(_) => code::QUEUE_FULL,
			WorkerError::Timeout(_) => code::TIMEOUT,
			WorkerError::Fetch { .. } => code::FETCH_FAILED,
			WorkerError::ArtifactHashMismatch { .. } => code::ARTIFACT_HASH_MISMATCH,
			WorkerError::InvalidArtifact(_) => code::INVALID_ARTIFACT,
			WorkerError::InvalidSpec(_) => code::INVALID_SPEC,
			WorkerError::Canonical(_) => code::NON_CANONICAL_OUTPUT,
			WorkerError::Unavailable(_) => code::UNAVAILABLE,
			WorkerError::ForbiddenOperator { .. } => code::FORBIDDEN_OPERATOR,
			WorkerError::ArtifactPathNotAllowed { .. } => code::ARTIFACT_PATH_NOT_ALLOWED,
			WorkerError::NotARegularFile { .. } => code::NOT_A_REGULAR_FILE,
			WorkerError::PrivateAddress { .. } => code::PRIVATE_ADDRESS,
			WorkerError::TooManyRedirects { .. } => code::TOO_MANY_REDIRECTS,
			WorkerError::ArtifactTooLarge { .. } => code::ARTIFACT_TOO_LARGE,
			WorkerError::ModelTimedOut(_) => code::MODEL_TIMED_OUT,
			WorkerError::ModelCrashed(_) => code::MODEL_CRASHED,
		}
	}

	/// A short label for the `errors_total{kind}` metric.
	pub fn kind(&self) -> &'static str {
		match self {
			WorkerError::InvalidParams(_) => "invalid_params",
			WorkerError::UnknownModel(_) => "unknown_model",
			WorkerError::InvalidInput(_) => "invalid_input",
			WorkerError::InputHashMismatch { .. } => "input_hash_mismatch",
			WorkerError::MalformedEncoding { .. } => "malformed_encoding",
			WorkerError::Forward(_) => "forward_failed",
			WorkerError::QueueFull(_) => "queue_full",
			WorkerError::Timeout(_) => "timeout",
			WorkerError::Fetch { .. } => "fetch_failed",
			WorkerError::ArtifactHashMismatch { .. } => "artifact_hash_mismatch",
			WorkerError::InvalidArtifact(_) => "invalid_artifact",
			WorkerError::InvalidSpec(_) => "invalid_spec",
			WorkerError::Canonical(_) => "non_canonical_output",
			WorkerError::Unavailable(_) => "unavailable",
			WorkerError::ForbiddenOperator { .. } => "forbidden_operator",
			WorkerError::ArtifactPathNotAllowed { .. } => "artifact_path_not_allowed",
			WorkerError::NotARegularFile { .. } => "not_a_regular_file",
			WorkerError::PrivateAddress { .. } => "private_address",
			WorkerError::TooManyRedirects { .. } => "too_many_redirects",
			WorkerError::ArtifactTooLarge { .. } => "artifact_too_large",
			WorkerError::ModelTimedOut(_) => "model_timed_out",
			WorkerError::ModelCrashed(_) => "model_crashed",
		}
	}
}

impl From<WorkerError> for ErrorObjectOwned {
	fn from(e: WorkerError) -> Self {
		ErrorObjectOwned::owned(e.code(), e.to_string(), None::<()>)
	}
}

/// Result of the worker's operations.
pub type Result<T, E = WorkerError> = std::result::Result<T, E>;
