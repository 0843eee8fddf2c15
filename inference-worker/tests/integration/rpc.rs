//! The JSON-RPC methods in process: attestations and the error code of every bad request.

use crate::common::{
	api, engine_config, fixtures, infer_params, load_params, outcome, request, GENESIS, INPUT_LEN,
};
use infera_primitives::{
	attestation::{AttestationPayload, Outcome, WorkerKeyProof},
	digest,
	model::AgreementRule,
	Hash,
};
use infera_worker::{
	api::{rpc_module, Api},
	error::code,
};
use jsonrpsee::RpcModule;
use polkadot_sdk::sp_core::{crypto::AccountId32, sr25519, Pair};
use serde_json::{json, Value};

pub async fn call(
	module: &RpcModule<Api>,
	method: &str,
	params: Value,
) -> Result<Value, (i64, String)> {
	let (response, _) =
		module.raw_json_request(&request(method, params).to_string(), 1).await.unwrap();
	outcome(&serde_json::from_str(&response).unwrap())
}

async fn code_of(module: &RpcModule<Api>, method: &str, params: Value) -> i64 {
	match call(module, method, params).await {
		Err((code, message)) => {
			println!("{method}: {code} {message}");
			code
		}
		Ok(v) => panic!("{method} succeeded: {v}"),
	}
}

async fn module_with_mlp() -> (RpcModule<Api>, tempfile::TempDir) {
	let cache = tempfile::tempdir().unwrap();
	let module = rpc_module(api(cache.path(), engine_config(4, 1)));
	call(&module, "load_model", load_params("digits-mlp", AgreementRule::TopK { k: 1 }))
		.await
		.unwrap();
	(module, cache)
}

pub fn hex_bytes(value: &Value) -> Vec<u8> {
	hex::decode(value.as_str().unwrap().trim_start_matches("0x")).unwrap()
}

#[tokio::test]
async fn attestation_verifies_against_the_worker_key() {
	let f = fixtures();
	let (module, _cache) = module_with_mlp().await;
	let input = &f.inputs[3];
	let result = call(&module, "infer", infer_params("digits-mlp", input, 42)).await.unwrap();
	let output = {
		use base64::Engine as _;
		base64::engine::general_purpose::STANDARD
			.decode(result["output"].as_str().unwrap())
			.unwrap()
	};
	assert_eq!(output.len(), 4, "TopK 1 is one u32 index");
	let payload = AttestationPayload {
		genesis_hash: GENESIS,
		job_id: 42,
		model_hash: f.hash("digits-mlp"),
		input_hash: digest(input),
		outcome: Outcome::Output(digest(&output)),
	};
	assert_eq!(result["outcome"], json!({"output": format!("0x{}", hex::encode(digest(&output)))}));
	let public = sr25519::Public::from_raw(hex_bytes(&result["worker"]).try_into().unwrap());
	assert_eq!(public, sr25519::Pair::from_string("//Alice", None).unwrap().public());
	let signature =
		sr25519::Signature::from_raw(hex_bytes(&result["signature"]).try_into().unwrap());
	assert!(payload.verify(&signature, &public));
	assert!(sr25519::Pair::verify(&signature, codec::Encode::encode(&payload), &public));
	// Bound to the job and the chain: the signature does not verify for another job id or
	// another genesis hash.
	assert!(!AttestationPayload { job_id: 43, ..payload.clone() }.verify(&signature, &public));
	let elsewhere = AttestationPayload { genesis_hash: Hash::repeat_byte(1), ..payload };
	assert!(!elsewhere.verify(&signature, &public));
	assert_eq!(result["timings"]["batch_size"], 1);
}

#[tokio::test]
async fn hex_encoding_round_trips() {
	let f = fixtures();
	let (module, _cache) = module_with_mlp().await;
	let mut params = infer_params("digits-mlp", &f.inputs[0], 1);
	params["input"] = json!(format!("0x{}", hex::encode(&f.inputs[0])));
	params["encoding"] = json!("hex");
	let result = call(&module, "infer", params).await.unwrap();
	assert_eq!(hex_bytes(&result["output"]).len(), 4);
	let models = call(&module, "models", json!({})).await.unwrap();
	assert_eq!(models[0]["loaded"], true);
	assert_eq!(models[0]["rule"], json!({"top_k": {"k": 1}}));
	let health = call(&module, "health", Value::Null).await.unwrap();
	assert_eq!(health["device"], "cpu");
	assert_eq!(health["loaded"].as_array().unwrap().len(), 1);
}

#[tokio::test]
async fn every_bad_request_gets_its_error_code() {
	let f = fixtures();
	let (module, _cache) = module_with_mlp().await;
	let good = infer_params("digits-mlp", &f.inputs[0], 7);
	let with = |key: &str, value: Value| {
		let mut params = good.clone();
		params[key] = value;
		params
	};

	let unknown = with("model", json!(format!("0x{}", hex::encode([7u8; 32]))));
	assert_eq!(code_of(&module, "infer", unknown).await, code::UNKNOWN_MODEL as i64);

	let short = infer_params("digits-mlp", &f.inputs[0][..INPUT_LEN - 4], 7);
	assert_eq!(code_of(&module, "infer", short).await, code::INVALID_INPUT as i64);
	let long = infer_params("digits-mlp", &[f.inputs[0].clone(), vec![0; 4]].concat(), 7);
	assert_eq!(code_of(&module, "infer", long).await, code::INVALID_INPUT as i64);

	let mismatch = with("input_hash", json!(format!("0x{}", hex::encode([0u8; 32]))));
	assert_eq!(code_of(&module, "infer", mismatch).await, code::INPUT_HASH_MISMATCH as i64);

	let not_base64 = with("input", json!("***not base64***"));
	assert_eq!(code_of(&module, "infer", not_base64).await, code::MALFORMED_ENCODING as i64);
	let bad_digest = with("model", json!("0x1234"));
	assert_eq!(code_of(&module, "infer", bad_digest).await, code::MALFORMED_ENCODING as i64);
	let not_hex = with("encoding", json!("hex"));
	assert_eq!(code_of(&module, "infer", not_hex).await, code::MALFORMED_ENCODING as i64);
	let short_genesis = with("genesis_hash", json!("0x4242"));
	assert_eq!(code_of(&module, "infer", short_genesis).await, code::MALFORMED_ENCODING as i64);

	let invalid_params = -32602;
	let mut no_genesis = good.clone();
	no_genesis.as_object_mut().unwrap().remove("genesis_hash");
	assert_eq!(code_of(&module, "infer", no_genesis).await, invalid_params);
	assert_eq!(code_of(&module, "infer", json!({"model": "0x00"})).await, invalid_params);
	assert_eq!(code_of(&module, "infer", with("surplus", json!(1))).await, invalid_params);
	assert_eq!(code_of(&module, "infer", json!([1, 2])).await, invalid_params);

	let mut bad_rule = load_params("digits-mlp", AgreementRule::TopK { k: 11 });
	assert_eq!(code_of(&module, "load_model", bad_rule.clone()).await, code::INVALID_SPEC as i64);
	bad_rule["rule"] = json!({"top_k": {"k": 1}});
	bad_rule["output"] = json!({"dtype": "f32", "shape": [12]});
	assert_eq!(code_of(&module, "load_model", bad_rule).await, code::INVALID_ARTIFACT as i64);

	let mut missing = load_params("digits-mlp", AgreementRule::TopK { k: 1 });
	missing["hash"] = json!(format!("0x{}", hex::encode([9u8; 32])));
	let absent = std::env::temp_dir().join("infera-no-such-dir/model.pt");
	missing["uri"] = json!(format!("file://{}", absent.display()));
	assert_eq!(code_of(&module, "load_model", missing.clone()).await, code::FETCH_FAILED as i64);
	// Outside every allowed directory, existing or not, a path is refused as such.
	missing["uri"] = json!("file:///nonexistent/model.pt");
	let not_allowed = code::ARTIFACT_PATH_NOT_ALLOWED as i64;
	assert_eq!(code_of(&module, "load_model", missing.clone()).await, not_allowed);
	missing["uri"] = json!("ftp://example.invalid/model.pt");
	assert_eq!(code_of(&module, "load_model", missing).await, code::FETCH_FAILED as i64);

	// The worker still serves good requests after all of that.
	assert!(call(&module, "infer", good).await.is_ok());
}

#[tokio::test]
async fn prove_key_verifies_for_its_provider_and_chain_only() {
	let cache = tempfile::tempdir().unwrap();
	let module = rpc_module(api(cache.path(), engine_config(1, 1)));
	let provider = AccountId32::new([5; 32]);
	let params = json!({
		"provider": format!("0x{}", hex::encode(<AccountId32 as AsRef<[u8]>>::as_ref(&provider))),
		"genesis_hash": format!("0x{}", hex::encode(GENESIS)),
	});
	let proof = call(&module, "prove_key", params.clone()).await.unwrap();
	let public = sr25519::Public::from_raw(hex_bytes(&proof["worker"]).try_into().unwrap());
	assert_eq!(public, sr25519::Pair::from_string("//Alice", None).unwrap().public());
	let signature =
		sr25519::Signature::from_raw(hex_bytes(&proof["signature"]).try_into().unwrap());
	let claim = WorkerKeyProof { genesis_hash: GENESIS, provider: &provider };
	assert!(claim.verify(&signature, &public));
	let other = AccountId32::new([6; 32]);
	assert!(!WorkerKeyProof { genesis_hash: GENESIS, provider: &other }.verify(&signature, &public));
	let elsewhere = WorkerKeyProof { genesis_hash: Hash::repeat_byte(1), provider: &provider };
	assert!(!elsewhere.verify(&signature, &public));

	let mut short = params.clone();
	short["provider"] = json!("0x05");
	assert_eq!(code_of(&module, "prove_key", short).await, code::MALFORMED_ENCODING as i64);
	let mut surplus = params;
	surplus["job_id"] = json!(1);
	assert_eq!(code_of(&module, "prove_key", surplus).await, -32602);
}
