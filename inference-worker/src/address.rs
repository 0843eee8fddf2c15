//! Which IP addresses an artifact may be downloaded from: public unicast ones only, unless
//! the provider passes `--allow-private-fetch`.
//!
//! A model's URI is chosen by whoever registers the model, so without this check a registered
//! URI could make every provider's worker send requests to its own loopback services, its
//! cloud metadata endpoint (`169.254.169.254`) or its private network (server-side request
//! forgery). The tables below list the special-purpose ranges of the IANA IPv4 and IPv6
//! registries that are not globally reachable, each with its reason. Addresses that embed an
//! IPv4 address (IPv4-mapped, IPv4-compatible, NAT64, 6to4) are judged by the embedded address.

use std::net::{IpAddr, Ipv4Addr, Ipv6Addr};

/// Non-public IPv4 ranges: network, prefix length, reason.
pub const NON_PUBLIC_V4: &[(Ipv4Addr, u8, &str)] = &[
	(Ipv4Addr::new(0, 0, 0, 0), 8, "this network / unspecified"),
	(Ipv4Addr::new(10, 0, 0, 0), 8, "private (RFC 1918)"),
	(Ipv4Addr::new(100, 64, 0, 0), 10, "carrier-grade NAT (RFC 6598)"),
	(Ipv4Addr::new(127, 0, 0, 0), 8, "loopback"),
	(Ipv4Addr::new(169, 254, 0, 0), 16, "link-local, incl. cloud metadata endpoints"),
	(Ipv4Addr::new(172, 16, 0, 0), 12, "private (RFC 1918)"),
	(Ipv4Addr::new(192, 0, 0, 0), 24, "IETF protocol assignments"),
	(Ipv4Addr::new(192, 0, 2, 0), 24, "documentation (TEST-NET-1)"),
	(Ipv4Addr::new(192, 88, 99, 0), 24, "deprecated 6to4 relay anycast"),
	(Ipv4Addr::new(192, 168, 0, 0), 16, "private (RFC 1918)"),
	(Ipv4Addr::new(198, 18, 0, 0), 15, "benchmarking"),
	(Ipv4Addr::new(198, 51, 100, 0), 24, "documentation (TEST-NET-2)"),
	(Ipv4Addr::new(203, 0, 113, 0), 24, "documentation (TEST-NET-3)"),
	(Ipv4Addr::new(224, 0, 0, 0), 4, "multicast"),
	(Ipv4Addr::new(240, 0, 0, 0), 4, "reserved, incl. broadcast"),
];

/// Non-public IPv6 ranges (besides those embedding IPv4): network, prefix length, reason.
pub const NON_PUBLIC_V6: &[(Ipv6Addr, u8, &str)] = &[
	(Ipv6Addr::new(0, 0, 0, 0, 0, 0, 0, 0), 128, "unspecified"),
	(Ipv6Addr::new(0, 0, 0, 0, 0, 0, 0, 1), 128, "loopback"),
	(Ipv6Addr::new(0x100, 0, 0, 0, 0, 0, 0, 0), 64, "discard-only"),
	(Ipv6Addr::new(0x2001, 0, 0, 0, 0, 0, 0, 0), 32, "Teredo (tunnels to arbitrary IPv4)"),
	(Ipv6Addr::new(0x2001, 0x2, 0, 0, 0, 0, 0, 0), 48, "benchmarking"),
	(Ipv6Addr::new(0x2001, 0xdb8, 0, 0, 0, 0, 0, 0), 32, "documentation"),
	(Ipv6Addr::new(0xfc00, 0, 0, 0, 0, 0, 0, 0), 7, "unique local (private)"),
	(Ipv6Addr::new(0xfe80, 0, 0, 0, 0, 0, 0, 0), 10, "link-local"),
	(Ipv6Addr::new(0xfec0, 0, 0, 0, 0, 0, 0, 0), 10, "site-local (deprecated)"),
	(Ipv6Addr::new(0xff00, 0, 0, 0, 0, 0, 0, 0), 8, "multicast"),
];

/// Bits of an IPv4 address.
const V4_BITS: u32 = 32;
/// Bits of an IPv6 address.
const V6_BITS: u32 = 128;

/// Why `address` is not public, or `None` when it is a public unicast address.
pub fn non_public_reason(address: IpAddr) -> Option<&'static str> {
	match address {
		IpAddr::V4(v4) => non_public_v4(v4),
		IpAddr::V6(v6) => match embedded_v4(v6) {
			Some(v4) => non_public_v4(v4),
			None => non_public_v6(v6),
		},
	}
}

/// Whether `address` is a public unicast address.
pub fn is_public(address: IpAddr) -> bool {
	non_public_reason(address).is_none()
}

fn non_public_v4(address: Ipv4Addr) -> Option<&'static str> {
	let bits = u32::from(address);
	NON_PUBLIC_V4.iter().find_map(|(network, prefix, reason)| {
		let mask = u32::MAX.checked_shl(V4_BITS - u32::from(*prefix)).unwrap_or(0);
		(bits & mask == u32::from(*network) & mask).then_some(*reason)
	})
}

fn non_public_v6(address: Ipv6Addr) -> Option<&'static str> {
	let bits = u128::from(address);
	NON_PUBLIC_V6.iter().find_map(|(network, prefix, reason)| {
		let mask = u128::MAX.checked_shl(V6_BITS - u32::from(*prefix)).unwrap_or(0);
		(bits & mask == u128::from(*network) & mask).then_some(*reason)
	})
}

/// The IPv4 address embedded in an IPv4-mapped (`::ffff:a.b.c.d`), IPv4-compatible
/// (`::a.b.c.d`, deprecated), NAT64 (`64:ff9b::a.b.c.d`) or 6to4 (`2002:AABB:CCDD::`) address.
fn embedded_v4(address: Ipv6Addr) -> Option<Ipv4Addr> {
	let s = address.segments();
	let low = Ipv4Addr::new((s[6] >> 8) as u8, s[6] as u8, (s[7] >> 8) as u8, s[7] as u8);
	match s {
		// `::` and `::1` are IPv6's own unspecified and loopback addresses (the v6 table).
		[0, 0, 0, 0, 0, 0, 0, 0 | 1] => None,
		[0, 0, 0, 0, 0, 0xffff, _, _] | [0, 0, 0, 0, 0, 0, _, _] => Some(low),
		[0x64, 0xff9b, 0, 0, 0, 0, _, _] => Some(low),
		[0x2002, hi, lo, ..] => {
			Some(Ipv4Addr::new((hi >> 8) as u8, hi as u8, (lo >> 8) as u8, lo as u8))
		}
		_ => None,
	}
}

#[cfg(test)]
mod tests {
	use super::*;

	#[test]
	fn non_public_addresses_are_refused() {
		for refused in [
			"0.0.0.0",
			"127.0.0.1",
			"127.1.2.3",
			"10.1.2.3",
			"172.16.0.1",
			"172.31.255.255",
			"192.168.1.1",
			"169.254.169.254",
			"100.64.0.1",
			"224.0.0.1",
			"255.255.255.255",
			"::",
			"::1",
			"::ffff:127.0.0.1",
			"::ffff:10.0.0.1",
			"::127.0.0.1",
			"64:ff9b::a9fe:a9fe",
			"2002:7f00:1::",
			"fe80::1",
			"fc00::1",
			"fd12:3456::1",
			"ff02::1",
			"2001:db8::1",
			"2001::1",
		] {
			let address: IpAddr = refused.parse().unwrap();
			assert!(!is_public(address), "{refused} counted as public");
		}
	}

	#[test]
	fn public_addresses_pass() {
		for public in [
			"1.1.1.1",
			"8.8.8.8",
			"172.32.0.1",
			"192.169.0.1",
			"2606:4700:4700::1111",
			"::ffff:8.8.8.8",
			"2a00:1450::1",
		] {
			let address: IpAddr = public.parse().unwrap();
			assert!(is_public(address), "{public} counted as non-public");
		}
	}
}
