//! The walls a runner puts up around itself before it reads a model: resource limits, a
//! Landlock file-system ruleset and a seccomp system-call filter. Each layer is installed by
//! the runner on itself (no privileges needed) and holds for the rest of its life; the kernel
//! refuses to lift any of them.

use super::protocol::{Confinement, DeviceCode, LandlockStatus, Limits};
use landlock::{
	path_beneath_rules, Access, AccessFs, CompatLevel, Compatible, Ruleset, RulesetAttr,
	RulesetCreatedAttr, RulesetStatus, ABI,
};
use seccompiler::{
	BpfProgram, SeccompAction, SeccompCmpArgLen, SeccompCmpOp, SeccompCondition, SeccompFilter,
	SeccompRule,
};
use std::{collections::BTreeMap, collections::BTreeSet, path::PathBuf};

/// Why the runner could not confine itself.
#[derive(Debug, thiserror::Error)]
pub enum ConfineError {
	/// `setrlimit` failed.
	#[error("cannot set {0}: {1}")]
	Limit(&'static str, std::io::Error),
	/// The Landlock ruleset could not be built or applied (the kernel lacking Landlock is not
	/// an error: it is reported as [`LandlockStatus::Unsupported`]).
	#[error("landlock: {0}")]
	Landlock(#[from] landlock::RulesetError),
	/// The seccomp filter could not be built or installed.
	#[error("seccomp: {0}")]
	Seccomp(#[from] seccompiler::Error),
	/// The seccomp filter could not be built.
	#[error("seccomp filter: {0}")]
	SeccompBackend(#[from] seccompiler::BackendError),
}

/// Puts up every wall, in order: limits, file system, system calls (the filter last, since
/// it forbids what the others' setup may use). A runner on a CUDA `device` may also use the
/// NVIDIA device files.
pub fn confine(limits: Limits, device: DeviceCode) -> Result<Confinement, ConfineError> {
	let memory_limited = set_limits(limits)?;
	let landlock = restrict_file_system(device)?;
	install_syscall_filter()?;
	Ok(Confinement { landlock, seccomp: true, memory_limited })
}

/// Sets one resource limit, soft and hard (an unprivileged process cannot raise a hard limit;
/// the filter stops a privileged one).
fn set_limit(
	resource: libc::__rlimit_resource_t,
	name: &'static str,
	value: u64,
) -> Result<(), ConfineError> {
	let limit = libc::rlimit { rlim_cur: value, rlim_max: value };
	// SAFETY: `setrlimit` reads the struct we pass and touches no memory of ours.
	if unsafe { libc::setrlimit(resource, &limit) } != 0 {
		return Err(ConfineError::Limit(name, std::io::Error::last_os_error()));
	}
	Ok(())
}

/// The address-space limit (if any), open files, and no core dumps (a dump would write the
/// model's memory to disk). Returns whether the address space is limited.
fn set_limits(limits: Limits) -> Result<bool, ConfineError> {
	set_limit(libc::RLIMIT_NOFILE, "RLIMIT_NOFILE", limits.open_files)?;
	set_limit(libc::RLIMIT_CORE, "RLIMIT_CORE", 0)?;
	if limits.address_space == 0 {
		return Ok(false);
	}
	set_limit(libc::RLIMIT_AS, "RLIMIT_AS", limits.address_space)?;
	Ok(true)
}

/// Directories the runner may read and map code from: those of every file it has mapped
/// already (libtorch and its dependencies, found through `/proc/self/maps` before the ruleset
/// applies), `LD_LIBRARY_PATH`, and the system library directories (for libraries libtorch
/// opens lazily). Nothing in them is the provider's data.
fn library_dirs() -> BTreeSet<PathBuf> {
	let mut dirs: BTreeSet<PathBuf> =
		["/lib", "/lib64", "/usr/lib", "/usr/lib64", "/usr/local/lib"].map(PathBuf::from).into();
	if let Ok(paths) = std::env::var("LD_LIBRARY_PATH") {
		dirs.extend(paths.split(':').filter(|p| !p.is_empty()).map(PathBuf::from));
	}
	if let Ok(maps) = std::fs::read_to_string("/proc/self/maps") {
		for line in maps.lines() {
			let Some(path) = line.split_whitespace().nth(5).filter(|p| p.starts_with('/')) else {
				continue;
			};
			if let Some(dir) = std::path::Path::new(path).parent() {
				dirs.insert(dir.to_path_buf());
			}
		}
	}
	dirs
}

/// Files the runner may read besides libraries, none of them secret: the dynamic loader's
/// cache, the kernel's random source and the CPU topology libtorch's thread pools read.
const READABLE: [&str; 4] =
	["/etc/ld.so.cache", "/dev/urandom", "/sys/devices/system/cpu", "/proc/cpuinfo"];

/// What the NVIDIA driver opens besides libraries: its device files (read and written) and
/// its state under `/proc` and `/sys` (read). Allowed only to runners on a CUDA device.
const NVIDIA_DEVICES: [&str; 4] =
	["/dev/nvidiactl", "/dev/nvidia-uvm", "/dev/nvidia-uvm-tools", "/dev/nvidia0"];
const NVIDIA_READABLE: [&str; 3] = ["/proc/driver/nvidia", "/sys/bus/pci", "/sys/devices"];

/// Landlock: no file-system access at all except reading (and mapping code from) the library
/// directories and [`READABLE`] (and, on CUDA, the NVIDIA files). The model's artifact arrives
/// over the pipe, so it needs no path. Best effort: an older kernel enforces part of the
/// ruleset (or none) and says so.
fn restrict_file_system(device: DeviceCode) -> Result<LandlockStatus, ConfineError> {
	let abi = ABI::V3;
	let read = AccessFs::from_read(abi);
	let gpu = matches!(device, DeviceCode::Cuda(_));
	let devices: &[&str] = if gpu { &NVIDIA_DEVICES } else { &[] };
	let gpu_state: &[&str] = if gpu { &NVIDIA_READABLE } else { &[] };
	let status = Ruleset::default()
		.set_compatibility(CompatLevel::BestEffort)
		.handle_access(AccessFs::from_all(abi))?
		.create()?
		.add_rules(path_beneath_rules(library_dirs(), read))?
		.add_rules(path_beneath_rules(READABLE, read))?
		.add_rules(path_beneath_rules(gpu_state, read))?
		.add_rules(path_beneath_rules(devices, AccessFs::ReadFile | AccessFs::WriteFile))?
		.restrict_self()?;
	Ok(match status.ruleset {
		RulesetStatus::FullyEnforced => LandlockStatus::Full,
		RulesetStatus::PartiallyEnforced => LandlockStatus::Partial,
		RulesetStatus::NotEnforced => LandlockStatus::Unsupported,
	})
}

/// A condition on system-call argument `index`.
fn arg(
	index: u8,
	len: SeccompCmpArgLen,
	op: SeccompCmpOp,
	value: u64,
) -> Result<SeccompCondition, ConfineError> {
	Ok(SeccompCondition::new(index, len, op, value)?)
}

/// System calls refused outright with `EPERM`: the network (no socket can be made, so none
/// can connect or listen), new processes and programs, reading or writing other processes,
/// raising limits, and the privileged calls a runner started as root could otherwise make
/// (mounts, namespaces, modules, BPF, keys, handles that bypass paths).
const DENIED: &[libc::c_long] = &[
	libc::SYS_socket,
	libc::SYS_socketpair,
	libc::SYS_connect,
	libc::SYS_bind,
	libc::SYS_listen,
	libc::SYS_accept,
	libc::SYS_accept4,
	libc::SYS_execve,
	libc::SYS_execveat,
	libc::SYS_ptrace,
	libc::SYS_process_vm_readv,
	libc::SYS_process_vm_writev,
	libc::SYS_pidfd_open,
	libc::SYS_tkill,
	libc::SYS_setrlimit,
	libc::SYS_mount,
	libc::SYS_umount2,
	libc::SYS_pivot_root,
	libc::SYS_chroot,
	libc::SYS_unshare,
	libc::SYS_setns,
	libc::SYS_init_module,
	libc::SYS_finit_module,
	libc::SYS_delete_module,
	libc::SYS_bpf,
	libc::SYS_perf_event_open,
	libc::SYS_keyctl,
	libc::SYS_add_key,
	libc::SYS_request_key,
	libc::SYS_open_by_handle_at,
	libc::SYS_name_to_handle_at,
	libc::SYS_kexec_load,
	libc::SYS_reboot,
	libc::SYS_swapon,
	libc::SYS_swapoff,
];

/// The legacy process-creating calls of x86-64 (other architectures have only `clone`).
#[cfg(target_arch = "x86_64")]
const DENIED_LEGACY: &[libc::c_long] = &[libc::SYS_fork, libc::SYS_vfork];
#[cfg(not(target_arch = "x86_64"))]
const DENIED_LEGACY: &[libc::c_long] = &[];

/// The filter: [`DENIED`] (and [`DENIED_LEGACY`]) always; `clone` unless it makes a thread; `kill` and `tgkill` unless
/// aimed at the runner itself; `prlimit64` when it would change a limit. `clone3` answers
/// `ENOSYS` (its flags sit behind a pointer no filter can read), so the C library falls back
/// to `clone`, whose flags the filter checks.
fn install_syscall_filter() -> Result<(), ConfineError> {
	use SeccompCmpArgLen::{Dword, Qword};
	let arch = std::env::consts::ARCH.try_into()?;
	let own_pid = std::process::id() as u64;
	let mut rules: BTreeMap<i64, Vec<SeccompRule>> =
		DENIED.iter().chain(DENIED_LEGACY).map(|&call| (call, Vec::new())).collect();
	let thread = libc::CLONE_THREAD as u64;
	rules.insert(
		libc::SYS_clone,
		vec![SeccompRule::new(vec![arg(0, Qword, SeccompCmpOp::MaskedEq(thread), 0)?])?],
	);
	for call in [libc::SYS_kill, libc::SYS_tgkill] {
		rules
			.insert(call, vec![SeccompRule::new(vec![arg(0, Dword, SeccompCmpOp::Ne, own_pid)?])?]);
	}
	rules.insert(
		libc::SYS_prlimit64,
		vec![SeccompRule::new(vec![arg(2, Qword, SeccompCmpOp::Ne, 0)?])?],
	);
	let denied = SeccompFilter::new(
		rules,
		SeccompAction::Allow,
		SeccompAction::Errno(libc::EPERM as u32),
		arch,
	)?;
	let clone3 = SeccompFilter::new(
		[(libc::SYS_clone3, Vec::new())].into_iter().collect(),
		SeccompAction::Allow,
		SeccompAction::Errno(libc::ENOSYS as u32),
		arch,
	)?;
	for filter in [denied, clone3] {
		let program: BpfProgram = filter.try_into()?;
		seccompiler::apply_filter_all_threads(&program)?;
	}
	Ok(())
}
