//! # Infera inference worker
//!
//! The service a provider runs next to its node: it loads TorchScript models whose artifacts
//! match their registered blake2-256 hashes, runs inference requests batched dynamically per
//! model, canonicalizes outputs under each model's agreement rule and signs an attestation
//! (`infera_primitives::attestation`) over each answer with its sr25519 key: the hash of the
//! canonical output, or a signed refusal when the model cannot answer the input (non-finite
//! output, or a forward pass that fails on it), so that no honest provider is slashed for an
//! input nobody can answer.
//!
//! Modules, one per concern:
//! - [`config`]: flags and environment variables;
//! - [`store`]: verifying and caching artifacts;
//! - [`fetch`]: what an artifact URI may reach (allowed directories, public addresses,
//!   redirects, size cap, timeouts), with [`address`] the non-public IP ranges;
//! - [`vetting`]: the operators a model's TorchScript code may call, checked before loading;
//! - [`batcher`]: per-model queue and dynamic batching thread (a failed batch is retried
//!   one request at a time);
//! - [`engine`]: known and loaded models (LRU), canonical outputs and refusals;
//! - [`torch`]: a TorchScript module, loaded and checked against its specs, and its batched
//!   forward pass;
//! - [`sandbox`]: each model in its own confined runner process (limits, Landlock,
//!   seccomp, deadlines and restarts), and the runner itself;
//! - [`attest`]: the attestation key (attestations and key-possession proofs);
//! - [`api`]: JSON-RPC methods and `GET /metrics`;
//! - [`auth`]: the node–worker shared token;
//! - [`metrics`]: Prometheus metrics;
//! - [`error`]: errors and their JSON-RPC codes.

pub mod address;
pub mod api;
pub mod attest;
pub mod auth;
pub mod batcher;
pub mod config;
pub mod engine;
pub mod error;
pub mod fetch;
pub mod metrics;
pub mod sandbox;
pub mod store;
pub mod torch;
pub mod vetting;
