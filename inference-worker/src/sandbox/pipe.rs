//! Reading and writing a runner's pipes with a deadline, from the calling thread: the pipes are
//! non-blocking and every wait is a `poll` bounded by the time left, so a runner that stops
//! reading or answering costs its caller the deadline, never a hang, and a call costs no
//! thread hand-offs (a forward pass of a small model takes a fraction of a millisecond).

use std::{
	io::{self, Read, Write},
	os::fd::{AsFd, AsRawFd, BorrowedFd},
	time::Instant,
};

/// Why a pipe operation stopped.
#[derive(Debug)]
pub enum PipeError {
	/// The deadline passed first.
	TimedOut,
	/// The other end closed (the runner exited) or the pipe failed.
	Broken(io::Error),
}

/// Makes `fd` non-blocking.
pub fn set_nonblocking(fd: BorrowedFd<'_>) -> io::Result<()> {
	let raw = fd.as_raw_fd();
	// SAFETY: `fcntl` on a descriptor we own, with integer arguments only.
	let flags = unsafe { libc::fcntl(raw, libc::F_GETFL) };
	if flags < 0 || unsafe { libc::fcntl(raw, libc::F_SETFL, flags | libc::O_NONBLOCK) } < 0 {
		return Err(io::Error::last_os_error());
	}
	Ok(())
}

/// The pipe size a runner's request pipe asks for ([`grow`]): room for two batches of a
/// mid-size image model (32 × 3 × 32 × 32 `f32` is 384 KiB), so the next batch can wait in the
/// pipe while the runner computes one. Linux lets any process grow a pipe to
/// `/proc/sys/fs/pipe-max-size`, 1 MiB by default.
pub const PIPE_BYTES: libc::c_int = 1 << 20;

/// A memory page: the unit in which the kernel hands out a pipe's room.
pub const PAGE_BYTES: usize = 4096;

/// Asks the kernel for a [`PIPE_BYTES`] buffer on the pipe `fd`; keeps what it has if the
/// kernel refuses (64 KiB by default; as little as two pages once the user holds more pipe
/// memory than `/proc/sys/fs/pipe-user-pages-soft`). [`free_space`] reads what it got.
pub fn grow(fd: BorrowedFd<'_>) {
	// SAFETY: `fcntl` on a descriptor we own, with integer arguments only.
	let _ = unsafe { libc::fcntl(fd.as_raw_fd(), libc::F_SETPIPE_SZ, PIPE_BYTES) };
}

/// Bytes that can be written to the pipe `fd` now without blocking: its capacity less what the
/// reader has not read yet.
pub fn free_space(fd: BorrowedFd<'_>) -> io::Result<usize> {
	let raw = fd.as_raw_fd();
	// SAFETY: `fcntl` on a descriptor we own, with integer arguments only.
	let capacity = unsafe { libc::fcntl(raw, libc::F_GETPIPE_SZ) };
	let mut unread: libc::c_int = 0;
	// SAFETY: `FIONREAD` writes one `c_int` through the pointer, which is valid for the call.
	if capacity < 0 || unsafe { libc::ioctl(raw, libc::FIONREAD, &mut unread) } < 0 {
		return Err(io::Error::last_os_error());
	}
	Ok((capacity.max(0) as usize).saturating_sub(unread.max(0) as usize))
}

/// Waits until `fd` is ready for `events` or `deadline` passes.
fn wait(fd: BorrowedFd<'_>, events: libc::c_short, deadline: Instant) -> Result<(), PipeError> {
	loop {
		let left = deadline.saturating_duration_since(Instant::now());
		if left.is_zero() {
			return Err(PipeError::TimedOut);
		}
		let mut poll = libc::pollfd { fd: fd.as_raw_fd(), events, revents: 0 };
		// Round up, so that a sub-millisecond remainder still waits.
		let millis = left.as_millis().saturating_add(1).min(libc::c_int::MAX as u128);
		// SAFETY: one valid `pollfd` for the duration of the call.
		match unsafe { libc::poll(&mut poll, 1, millis as libc::c_int) } {
			0 => continue,
			n if n > 0 => return Ok(()),
			_ => {
				let e = io::Error::last_os_error();
				if e.kind() != io::ErrorKind::Interrupted {
					return Err(PipeError::Broken(e));
				}
			}
		}
	}
}

/// Writes all of `bytes` to `pipe` before `deadline`.
pub fn write_all_by<P: Write + AsFd>(
	pipe: &mut P,
	mut bytes: &[u8],
	deadline: Instant,
) -> Result<(), PipeError> {
	while !bytes.is_empty() {
		match pipe.write(bytes) {
			Ok(0) => return Err(PipeError::Broken(io::ErrorKind::WriteZero.into())),
			Ok(n) => bytes = &bytes[n..],
			Err(e) if e.kind() == io::ErrorKind::WouldBlock => {
				wait(pipe.as_fd(), libc::POLLOUT, deadline)?
			}
			Err(e) if e.kind() == io::ErrorKind::Interrupted => {}
			Err(e) => return Err(PipeError::Broken(e)),
		}
	}
	Ok(())
}

/// Fills `buffer` from `pipe` before `deadline`.
pub fn read_exact_by<P: Read + AsFd>(
	pipe: &mut P,
	buffer: &mut [u8],
	deadline: Instant,
) -> Result<(), PipeError> {
	let mut filled = 0;
	while filled < buffer.len() {
		match pipe.read(&mut buffer[filled..]) {
			Ok(0) => return Err(PipeError::Broken(io::ErrorKind::UnexpectedEof.into())),
			Ok(n) => filled += n,
			Err(e) if e.kind() == io::ErrorKind::WouldBlock => {
				wait(pipe.as_fd(), libc::POLLIN, deadline)?
			}
			Err(e) if e.kind() == io::ErrorKind::Interrupted => {}
			Err(e) => return Err(PipeError::Broken(e)),
		}
	}
	Ok(())
}
