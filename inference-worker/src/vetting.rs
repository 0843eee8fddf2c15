//! Model vetting: the operators a TorchScript artifact may call, checked before libtorch
//! loads it.
//!
//! ## Overview
//!
//! A TorchScript archive is a zip whose `code/**/*.py` entries hold the model's program as
//! TorchScript source, which libtorch compiles and runs on load and on every forward pass. That
//! language can call any registered operator, and some operators reach outside the tensor
//! graph: `torch.from_file` maps any file the worker can read, `torch.save`/`torch.load` (and
//! the `aten::save` they lower to) read and write files, custom operator namespaces
//! (`ops.<ns>.*`) and custom classes (`__torch__.torch.classes.*`) run whatever native code a
//! library registered. [`vet`] reads every code entry of the archive and refuses the artifact
//! with [`WorkerError::ForbiddenOperator`] unless every qualified name it uses is allowed here.
//! Nothing of the model runs before this check passes: [`crate::engine`] calls it before
//! `CModule::load`.
//!
//! ## Design
//!
//! **An allowlist, not a denylist.** The serialized form of a scripted module is normalized:
//! every tensor operator, including method calls such as `x.sum()`, is written as a qualified
//! call `torch.<op>(…)`, and interpreter primitives as `ops.prim.<op>(…)`. So the vetting
//! checks every dotted name rooted in `torch` or `ops` against [`ALLOWED_TORCH_OPS`] (pure
//! tensor operators: arithmetic, comparisons, reductions, shape and indexing, neural network
//! layers, creation of tensors from numbers) and [`ALLOWED_PRIM_OPS`]. An operator that is not
//! listed is refused, so a new I/O operator in a later PyTorch fails closed; an honest model
//! that needs an unlisted pure operator is served once the operator is reviewed and added,
//! with its reason. [`DENIED`] names the operators we know to be dangerous; it is not
//! consulted to allow anything, only to explain the refusal, and a test checks that none of its
//! entries is allowed.
//!
//! Other roots: `__torch__.*` names the archive's own classes and functions, whose code is in
//! the archive and vetted like the rest, except `__torch__.torch.classes.*` (native custom
//! classes), which is refused. `builtins.*` (exception types) and `math.*` (pure functions on
//! numbers) are allowed. Any other dotted name is an attribute or method of a value
//! (`self.weight`, `(features).forward`): those are the model's own modules and attributes.
//!
//! **Fail closed on text.** The scan does not skip string literals: a dotted name inside a
//! string is checked like code, so a parser difference between this scan and TorchScript's
//! lexer cannot hide a call. The price is that a string such as `"torch.load failed"` refuses
//! the model; serialized models of ordinary layers carry no such strings.
//!
//! **Bounded.** Entries are read up to [`MAX_CODE_BYTES`] in total and the archive may have at
//! most [`MAX_ENTRIES`] entries, so a zip bomb cannot exhaust memory before the hash-verified
//! artifact even reaches libtorch.
//!
//! ## Terms
//!
//! - *Qualified name*: a chain `a.b.c` of identifiers joined by dots, as written in the code.
//! - *Root*: the first identifier of a qualified name (`torch`, `ops`, `__torch__`, …).
//!
//! What vetting does not cover (see the worker README's threat model): the pickled tensors
//! (`data.pkl`, `constants.pkl`) are read by libtorch's C++ unpickler, which cannot import
//! Python code, and are not inspected here; allowed operators can still use CPU and memory
//! within the limits of `--max-model-bytes` and the request timeout; a bug in libtorch itself is
//! out of reach of any allowlist (the process sandbox is the answer to that).

use crate::error::{Result, WorkerError};
use std::io::Read;

/// Most entries an archive may have. Our exported models have about 30; a deep model of many
/// module types a few hundred.
pub const MAX_ENTRIES: usize = 10_000;

/// Most decompressed bytes of code read from one archive (16 MiB; the demo models have 5 KiB,
/// large vision models a few hundred KiB).
pub const MAX_CODE_BYTES: u64 = 16 << 20;

/// Operators known to reach outside the tensor graph, with the reason. Never allowed (a test
/// checks it); named in the refusal.
pub const DENIED: &[(&str, &str)] = &[
	("torch.from_file", "maps any file the worker can read into a tensor"),
	("torch.save", "writes files"),
	("torch.load", "reads files"),
	("ops.aten.from_file", "maps any file the worker can read into a tensor"),
	("ops.aten.save", "writes files"),
	("torch.storage", "raw storage access bypasses the tensor's bounds"),
	("torch.untyped_storage", "raw storage access bypasses the tensor's bounds"),
	("torch.set_", "re-points a tensor at arbitrary storage"),
	("torch.share_memory_", "moves a tensor into shared memory visible to other processes"),
	("torch.data_ptr", "leaks the worker's memory addresses"),
	("torch.classes", "native custom classes run arbitrary registered code"),
	("__torch__.torch.classes", "native custom classes run arbitrary registered code"),
	("ops.prim.Print", "writes to the worker's stdout, which its launchers parse"),
	("torch.empty", "uninitialized memory may hold other jobs' inputs and outputs"),
	("torch.empty_like", "uninitialized memory may hold other jobs' inputs and outputs"),
	("torch.empty_strided", "uninitialized memory may hold other jobs' inputs and outputs"),
	("torch.as_strided", "views memory outside the tensor's own elements"),
];

/// Tensor operators a model may call as `torch.<op>` or `ops.aten.<op>`: pure functions of
/// tensors and numbers (no files, processes, network, shared memory, raw storage or
/// uninitialized memory).
pub const ALLOWED_TORCH_OPS: &[&str] = &[
	// Identity and optional checks the compiler emits.
	"__is__",
	"__isnot__",
	"__not__",
	"__contains__",
	"__getitem__",
	"__and__",
	"__or__",
	"__xor__",
	"__lshift__",
	"__rshift__",
	// Elementwise arithmetic and math.
	"add",
	"add_",
	"sub",
	"sub_",
	"rsub",
	"mul",
	"mul_",
	"div",
	"div_",
	"true_divide",
	"floor_divide",
	"remainder",
	"fmod",
	"neg",
	"abs",
	"pow",
	"sqrt",
	"rsqrt",
	"exp",
	"expm1",
	"log",
	"log1p",
	"log2",
	"log10",
	"sin",
	"cos",
	"tan",
	"tanh",
	"sigmoid",
	"sign",
	"floor",
	"ceil",
	"round",
	"trunc",
	"frac",
	"clamp",
	"clamp_",
	"clamp_min",
	"clamp_max",
	"clip",
	"reciprocal",
	"square",
	"erf",
	"lerp",
	"addmm",
	"addcmul",
	"addcdiv",
	"where",
	"maximum",
	"minimum",
	"nan_to_num",
	"isnan",
	"isinf",
	"isfinite",
	// Comparisons and logic.
	"eq",
	"ne",
	"lt",
	"le",
	"gt",
	"ge",
	"logical_and",
	"logical_or",
	"logical_not",
	"logical_xor",
	"bitwise_and",
	"bitwise_or",
	"bitwise_not",
	"equal",
	"allclose",
	// Reductions.
	"sum",
	"mean",
	"prod",
	"max",
	"min",
	"amax",
	"amin",
	"argmax",
	"argmin",
	"any",
	"all",
	"std",
	"var",
	"norm",
	"logsumexp",
	"cumsum",
	"cumprod",
	"topk",
	"sort",
	"argsort",
	// Linear algebra.
	"matmul",
	"mm",
	"bmm",
	"mv",
	"dot",
	"einsum",
	"linear",
	"bilinear",
	"baddbmm",
	// Shape, indexing, conversion.
	"view",
	"reshape",
	"flatten",
	"unflatten",
	"squeeze",
	"unsqueeze",
	"permute",
	"transpose",
	"t",
	"contiguous",
	"expand",
	"expand_as",
	"repeat",
	"cat",
	"stack",
	"split",
	"chunk",
	"narrow",
	"select",
	"slice",
	"index_select",
	"gather",
	"masked_fill",
	"index",
	"size",
	"dim",
	"numel",
	"len",
	"to",
	"type_as",
	"float",
	"double",
	"half",
	"int",
	"long",
	"bool",
	"detach",
	"clone",
	"copy_",
	"zero_",
	"fill_",
	"view_as",
	"reshape_as",
	"roll",
	"flip",
	"tril",
	"triu",
	"pad",
	"constant_pad_nd",
	// Creation from numbers and shapes (no file or storage source).
	"tensor",
	"zeros",
	"ones",
	"full",
	"arange",
	"zeros_like",
	"ones_like",
	"full_like",
	"scalar_tensor",
	// Neural network layers.
	"relu",
	"relu_",
	"relu6",
	"leaky_relu",
	"gelu",
	"silu",
	"elu",
	"selu",
	"hardtanh",
	"hardswish",
	"hardsigmoid",
	"softplus",
	"softmax",
	"log_softmax",
	"dropout",
	"conv1d",
	"conv2d",
	"conv3d",
	"conv_transpose1d",
	"conv_transpose2d",
	"max_pool1d",
	"max_pool2d",
	"max_pool3d",
	"avg_pool1d",
	"avg_pool2d",
	"avg_pool3d",
	"adaptive_avg_pool1d",
	"adaptive_avg_pool2d",
	"adaptive_max_pool2d",
	"batch_norm",
	"layer_norm",
	"group_norm",
	"instance_norm",
	"embedding",
	"upsample_nearest2d",
	"upsample_bilinear2d",
	"scaled_dot_product_attention",
	// dtype/device queries, warnings and error messages as the compiler writes them
	// (`"…{}".format(x)` becomes `torch.format`: string formatting, e.g. in `BatchNorm2d`'s
	// input checks).
	"dtype",
	"device",
	"is_floating_point",
	"warn",
	"_assert",
	"format",
];

/// Interpreter primitives a model may call as `ops.prim.<op>`: control flow and conversions
/// the TorchScript compiler emits.
pub const ALLOWED_PRIM_OPS: &[&str] = &[
	"RaiseException",
	"NumToTensor",
	"unchecked_unwrap_optional",
	"device",
	"dtype",
	"min",
	"max",
	"shape",
	"layout",
	"is_cuda",
	"data",
	"abs",
	"TupleUnpack",
	"ListConstruct",
	"TupleConstruct",
	"unchecked_cast",
	"isinstance",
	"rangelist",
];

/// Roots whose names are allowed without further checks (see the module docs).
const FREE_ROOTS: &[&str] = &["builtins", "math"];

/// Refuses the archive `bytes` unless every qualified name in its code is allowed (see the
/// module docs). Errors: [`WorkerError::InvalidArtifact`] when it is not a zip with code
/// entries, or is too large to vet; [`WorkerError::ForbiddenOperator`] for a refused name.
pub fn vet(bytes: &[u8]) -> Result<()> {
	let sources = code_entries(bytes)?;
	if sources.is_empty() {
		return Err(invalid("the archive has no code/**/*.py entries".into()));
	}
	for (file, source) in &sources {
		if let Some(name) = qualified_names(source).into_iter().find(|n| !is_allowed(n)) {
			return Err(WorkerError::ForbiddenOperator {
				file: file.clone(),
				reason: reason(&name),
				operator: name,
			});
		}
	}
	Ok(())
}

fn invalid(reason: String) -> WorkerError {
	WorkerError::InvalidArtifact(format!("cannot vet the TorchScript archive: {reason}"))
}

/// The `code/**/*.py` entries of the zip `bytes`, with their names, within the bounds.
fn code_entries(bytes: &[u8]) -> Result<Vec<(String, String)>> {
	let mut archive = zip::ZipArchive::new(std::io::Cursor::new(bytes))
		.map_err(|e| invalid(format!("not a zip archive: {e}")))?;
	if archive.len() > MAX_ENTRIES {
		return Err(invalid(format!("{} entries, more than {MAX_ENTRIES}", archive.len())));
	}
	let mut budget = MAX_CODE_BYTES;
	let mut sources = Vec::new();
	for index in 0..archive.len() {
		let entry = archive.by_index(index).map_err(|e| invalid(e.to_string()))?;
		let name = entry.name().to_string();
		if !is_code(&name) {
			continue;
		}
		let mut text = String::new();
		let read = entry
			.take(budget + 1)
			.read_to_string(&mut text)
			.map_err(|e| invalid(format!("{name}: {e}")))?;
		budget = budget
			.checked_sub(read as u64)
			.ok_or_else(|| invalid(format!("more than {MAX_CODE_BYTES} bytes of code")))?;
		sources.push((name, text));
	}
	Ok(sources)
}

/// Whether a zip entry is TorchScript source (`<archive>/code/…/*.py`).
fn is_code(name: &str) -> bool {
	name.ends_with(".py") && name.split('/').any(|part| part == "code")
}

/// Whether the qualified name `name` may appear in a model's code.
pub fn is_allowed(name: &str) -> bool {
	let parts: Vec<&str> = name.split('.').collect();
	match parts.as_slice() {
		["torch", op] | ["ops", "aten", op] => ALLOWED_TORCH_OPS.contains(op),
		["torch", ..] | ["ops", "aten", ..] => false,
		["ops", "prim", op] => ALLOWED_PRIM_OPS.contains(op),
		["ops", ..] => false,
		["__torch__", "torch", "classes", ..] => false,
		["__torch__", ..] => true,
		[root] => !is_namespace_root(root),
		[root, ..] => FREE_ROOTS.contains(root) || !is_namespace_root(root),
		[] => true,
	}
}

/// Roots that name operator namespaces rather than values; only the forms matched in
/// [`is_allowed`] are allowed under them.
fn is_namespace_root(root: &str) -> bool {
	matches!(root, "torch" | "ops" | "__torch__")
}

/// Why `name` is refused: its [`DENIED`] reason, or "not in the allowlist".
fn reason(name: &str) -> String {
	DENIED
		.iter()
		.find(|(denied, _)| name == *denied || name.starts_with(&format!("{denied}.")))
		.map_or_else(
			|| "not in the allowlist of pure tensor operators".to_string(),
			|(_, why)| (*why).to_string(),
		)
}

/// Every dotted name (`a.b`, `a.b.c`) in `source`, in order, with any whitespace around its
/// dots removed (TorchScript, like Python, accepts `torch . load`). A chain that is itself an
/// attribute of a value (`(features).forward`) is the model's own method and is skipped; a
/// namespace root used alone (`torch`) is returned as it is, and refused by [`is_allowed`].
pub fn qualified_names(source: &str) -> Vec<String> {
	let chars: Vec<char> = source.chars().collect();
	let mut names = Vec::new();
	let mut i = 0;
	while i < chars.len() {
		if !is_ident_start(chars[i]) || (i > 0 && is_ident_char(chars[i - 1])) {
			i += 1;
			continue;
		}
		let start = i;
		let (parts, end) = chain(&chars, i);
		i = end;
		if follows_dot(&chars, start) {
			continue;
		}
		if parts.len() > 1 || is_namespace_root(&parts[0]) {
			names.push(parts.join("."));
		}
	}
	names
}

/// Whether the identifier at `start` is itself an attribute (`x.name`, `(x) . name`), i.e.
/// not the root of a qualified name.
fn follows_dot(chars: &[char], start: usize) -> bool {
	chars[..start].iter().rev().find(|c| !c.is_whitespace()) == Some(&'.')
}

/// The identifiers of the chain `ident (ws* . ws* ident)*` starting at `i`, and its end.
fn chain(chars: &[char], mut i: usize) -> (Vec<String>, usize) {
	let mut parts = Vec::new();
	loop {
		let start = i;
		while i < chars.len() && is_ident_char(chars[i]) {
			i += 1;
		}
		parts.push(chars[start..i].iter().collect());
		let dot = skip_whitespace(chars, i);
		if chars.get(dot) != Some(&'.') {
			return (parts, i);
		}
		let next = skip_whitespace(chars, dot + 1);
		if !chars.get(next).is_some_and(|c| is_ident_start(*c)) {
			return (parts, i);
		}
		i = next;
	}
}

/// The first index at or after `i` that is not whitespace.
fn skip_whitespace(chars: &[char], mut i: usize) -> usize {
	while chars.get(i).is_some_and(|c| c.is_whitespace()) {
		i += 1;
	}
	i
}

fn is_ident_start(c: char) -> bool {
	c.is_ascii_alphabetic() || c == '_'
}

fn is_ident_char(c: char) -> bool {
	c.is_ascii_alphanumeric() || c == '_'
}

#[cfg(test)]
mod tests {
	use super::*;

	#[test]
	fn no_denied_operator_is_allowed() {
		for (name, _) in DENIED {
			assert!(!is_allowed(name), "{name} is denied but allowed");
			assert!(!is_allowed(&format!("{name}.x")) || !name.contains('.'), "{name}.x");
		}
	}

	#[test]
	fn names_are_found_in_code_and_strings() {
		let code = "  _0 = torch.mul(torch.to(torch.sum(x), 6), 0.)\n  y = (self.a).forward(x)\n  \
		            ops.prim.RaiseException(\"torch.load\", \"builtins.RuntimeError\")\n  z = 1.5\n  \
		            w = torch .\n from_file(p)\n  t = torch";
		assert_eq!(
			qualified_names(code),
			vec![
				"torch.mul",
				"torch.to",
				"torch.sum",
				"self.a",
				"ops.prim.RaiseException",
				"torch.load",
				"builtins.RuntimeError",
				"torch.from_file",
				"torch",
			]
		);
	}

	#[test]
	fn namespaces_are_checked() {
		for allowed in [
			"torch.conv2d",
			"ops.aten.relu",
			"ops.prim.RaiseException",
			"__torch__.Model",
			"self.weight",
			"math.sqrt",
		] {
			assert!(is_allowed(allowed), "{allowed}");
		}
		for refused in [
			"torch.from_file",
			"torch.jit.load",
			"ops.my_ext.run",
			"ops.prim.Print",
			"__torch__.torch.classes.x.Y",
			"torch.ops.aten.save",
		] {
			assert!(!is_allowed(refused), "{refused}");
		}
	}

	#[test]
	fn junk_is_an_invalid_artifact() {
		assert!(matches!(vet(b"not a zip"), Err(WorkerError::InvalidArtifact(_))));
	}
}
