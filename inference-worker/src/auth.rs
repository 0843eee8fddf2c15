//! The shared secret between the provider's node and its worker, and the HTTP layer that
//! requires it.
//!
//! The node sends `Authorization: Bearer <token>` on every call (`--inference-worker-token-file`
//! on the node, `--token-file` here; `infera keys worker-token --out <file>` makes one). With a
//! token configured, the worker answers HTTP 401 to any request without it, except:
//! - `GET /metrics` (answered by [`crate::api::MetricsLayer`] before this layer), and
//! - a single JSON-RPC call of `health` over HTTP POST (load balancers and probes), which
//!   reveals only the worker's version, device, loaded models and public key.
//!
//! Batches and WebSocket upgrades always need the token. The token and its constant-time
//! comparison are [`infera_primitives::bearer`]'s, shared with the gateway.

use bytes::Bytes;
use http_body_util::BodyExt;
use jsonrpsee::server::{HttpBody, HttpRequest, HttpResponse};
use std::{
	future::Future,
	path::Path,
	pin::Pin,
	task::{Context, Poll},
};

pub use infera_primitives::bearer::BearerToken as Token;

/// The one method callable without the token.
pub const OPEN_METHOD: &str = "health";

/// Errors of the boxed services jsonrpsee composes.
type BoxError = Box<dyn std::error::Error + Send + Sync + 'static>;

/// The worker's token in `path`, warning when the file is readable by others.
pub fn load_token(path: &Path) -> std::io::Result<Token> {
	let (token, loose) = Token::from_file(path)?;
	if let Some(mode) = loose {
		tracing::warn!(
			"token file {} is readable by others (mode {mode:o}): chmod 600 it",
			path.display()
		);
	}
	Ok(token)
}

/// Whether `body` is one JSON-RPC call of [`OPEN_METHOD`].
pub fn is_open_call(body: &[u8]) -> bool {
	#[derive(serde::Deserialize)]
	struct Call<'a> {
		#[serde(borrow)]
		method: &'a str,
	}
	serde_json::from_slice::<Call>(body).is_ok_and(|call| call.method == OPEN_METHOD)
}

/// Tower layer requiring the token (see the module docs); `None` lets everything through.
#[derive(Clone)]
pub struct AuthLayer {
	/// The token, if one is configured.
	pub token: Option<Token>,
	/// The largest body read to look for an open call (`--max-request-bytes`).
	pub max_body: usize,
}

impl<S> tower::Layer<S> for AuthLayer {
	type Service = AuthService<S>;

	fn layer(&self, inner: S) -> Self::Service {
		AuthService { inner, layer: self.clone() }
	}
}

/// The service of [`AuthLayer`].
#[derive(Clone)]
pub struct AuthService<S> {
	inner: S,
	layer: AuthLayer,
}

/// HTTP 401 with the scheme to use.
fn unauthorized() -> HttpResponse {
	let mut response = HttpResponse::new(HttpBody::from("missing or wrong worker token\n"));
	*response.status_mut() = http::StatusCode::UNAUTHORIZED;
	response
		.headers_mut()
		.insert(http::header::WWW_AUTHENTICATE, http::HeaderValue::from_static("Bearer"));
	response
}

impl<S, B> tower::Service<HttpRequest<B>> for AuthService<S>
where
	S: tower::Service<HttpRequest<HttpBody>, Response = HttpResponse, Error = BoxError>
		+ Clone
		+ Send
		+ 'static,
	S::Future: Send + 'static,
	B: http_body::Body<Data = Bytes> + Send + 'static,
	B::Error: Into<BoxError>,
{
	type Response = HttpResponse;
	type Error = BoxError;
	type Future = Pin<Box<dyn Future<Output = Result<HttpResponse, BoxError>> + Send>>;

	fn poll_ready(&mut self, cx: &mut Context<'_>) -> Poll<Result<(), Self::Error>> {
		self.inner.poll_ready(cx)
	}

	fn call(&mut self, request: HttpRequest<B>) -> Self::Future {
		let admitted = match &self.layer.token {
			None => true,
			Some(token) => token
				.admits(request.headers().get(http::header::AUTHORIZATION).map(|v| v.as_bytes())),
		};
		if admitted {
			return Box::pin(self.inner.call(request.map(HttpBody::new)));
		}
		if request.method() != http::Method::POST {
			return Box::pin(std::future::ready(Ok(unauthorized())));
		}
		// Only an open call passes without the token: read the (bounded) body to see.
		let mut inner = self.inner.clone();
		std::mem::swap(&mut inner, &mut self.inner);
		let max_body = self.layer.max_body;
		Box::pin(async move {
			let (parts, body) = request.into_parts();
			let limited = http_body_util::Limited::new(body, max_body);
			let Ok(collected) = limited.collect().await else { return Ok(unauthorized()) };
			let bytes = collected.to_bytes();
			if !is_open_call(&bytes) {
				return Ok(unauthorized());
			}
			let body = HttpBody::new(http_body_util::Full::new(bytes));
			inner.call(HttpRequest::from_parts(parts, body)).await
		})
	}
}

#[cfg(test)]
mod tests {
	use super::*;

	#[test]
	fn only_a_single_health_call_is_open() {
		assert!(is_open_call(br#"{"jsonrpc":"2.0","id":1,"method":"health","params":{}}"#));
		assert!(!is_open_call(br#"{"jsonrpc":"2.0","id":1,"method":"infer","params":{}}"#));
		assert!(!is_open_call(br#"[{"jsonrpc":"2.0","id":1,"method":"health"}]"#));
		assert!(!is_open_call(b"not json"));
	}
}
