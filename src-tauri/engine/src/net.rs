//! The HTTP client deliveries go out on: one shared client (keep-alive), no redirects, no
//! automatic decompression, timeouts per attempt, and the network policy enforced at connect
//! time after DNS resolution, so a name that resolves to a private address is refused no
//! matter what it looks like.

use reqwest::dns::{Addrs, Name, Resolve, Resolving};
use std::net::{IpAddr, Ipv4Addr, Ipv6Addr, SocketAddr};
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::Duration;

pub const USER_AGENT: &str = concat!("Hookdesk/", env!("CARGO_PKG_VERSION"));

/// Whether deliveries may reach loopback, private and other non-public addresses.
#[derive(Debug, Clone)]
pub struct NetworkPolicy {
    allow_private: Arc<AtomicBool>,
}

impl NetworkPolicy {
    pub fn new(allow_private: bool) -> Self {
        Self { allow_private: Arc::new(AtomicBool::new(allow_private)) }
    }

    pub fn allows_private(&self) -> bool {
        self.allow_private.load(Ordering::SeqCst)
    }

    pub fn set_allow_private(&self, allow: bool) {
        self.allow_private.store(allow, Ordering::SeqCst);
    }

    pub fn permits(&self, ip: IpAddr) -> bool {
        self.allows_private() || is_public(ip)
    }
}

/// The error a delivery to a refused address fails with.
#[derive(Debug)]
pub struct BlockedAddress(pub String);

impl std::fmt::Display for BlockedAddress {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(
            f,
            "Blocked: private address ({}). To deliver to it, turn on “Allow private and loopback targets” in Settings (hookdesk serve: --allow-private-targets).",
            self.0
        )
    }
}

impl std::error::Error for BlockedAddress {}

/// A DNS failure, kept distinct so the log can say "DNS" rather than "connect".
#[derive(Debug)]
pub struct DnsFailure(pub String);

impl std::fmt::Display for DnsFailure {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.0)
    }
}

impl std::error::Error for DnsFailure {}

/// Resolves with the system resolver, then drops every address the policy refuses.
struct PolicyResolver {
    policy: NetworkPolicy,
}

impl Resolve for PolicyResolver {
    fn resolve(&self, name: Name) -> Resolving {
        let policy = self.policy.clone();
        Box::pin(async move {
            let host = name.as_str().to_string();
            let resolved: Vec<SocketAddr> = tokio::net::lookup_host((host.as_str(), 0))
                .await
                .map_err(|e| Box::new(DnsFailure(format!("could not resolve {host}: {e}"))) as Box<dyn std::error::Error + Send + Sync>)?
                .collect();
            let allowed: Vec<SocketAddr> = resolved.iter().copied().filter(|a| policy.permits(a.ip())).collect();
            if allowed.is_empty() {
                let first = resolved.first().map(|a| a.ip().to_string()).unwrap_or_default();
                return Err(Box::new(BlockedAddress(format!("{host} resolves to {first}"))) as Box<dyn std::error::Error + Send + Sync>);
            }
            Ok(Box::new(allowed.into_iter()) as Addrs)
        })
    }
}

/// How long Hookdesk's own calls wait for a connection, and then for each read of an answer:
/// a running instance answers in milliseconds, so a wait this long means it is stuck, and
/// the CLI says so instead of hanging (a streamed export keeps reading, so it is not cut).
pub const LOCAL_CONNECT_TIMEOUT: Duration = Duration::from_secs(5);
pub const LOCAL_READ_TIMEOUT: Duration = Duration::from_secs(60);

/// A plain client for Hookdesk's own calls (the CLI talking to the Events API).
pub fn local_client() -> reqwest::Client {
    let _ = rustls::crypto::ring::default_provider().install_default();
    reqwest::Client::builder()
        .user_agent(USER_AGENT)
        .no_proxy()
        .connect_timeout(LOCAL_CONNECT_TIMEOUT)
        .read_timeout(LOCAL_READ_TIMEOUT)
        .build()
        .expect("the local client's configuration is valid")
}

/// Builds the shared delivery client. Rebuild it when the policy turns stricter so that no
/// pooled connection to a now-refused address is reused.
pub fn delivery_client(policy: &NetworkPolicy) -> reqwest::Client {
    // rustls needs a process-wide crypto provider; ring is small and builds everywhere.
    let _ = rustls::crypto::ring::default_provider().install_default();
    reqwest::Client::builder()
        .user_agent(USER_AGENT)
        .redirect(reqwest::redirect::Policy::none())
        .connect_timeout(Duration::from_secs(10))
        .pool_idle_timeout(Duration::from_secs(60))
        .pool_max_idle_per_host(64)
        .tcp_nodelay(true)
        .no_proxy()
        .dns_resolver(Arc::new(PolicyResolver { policy: policy.clone() }))
        .build()
        .expect("the delivery client's configuration is valid")
}

/// The literal address of a URL's host, if it is one (the resolver is not consulted for those).
pub fn literal_ip(url: &url::Url) -> Option<IpAddr> {
    match url.host()? {
        url::Host::Ipv4(a) => Some(IpAddr::V4(a)),
        url::Host::Ipv6(a) => Some(IpAddr::V6(a)),
        url::Host::Domain(_) => None,
    }
}

/// Whether an address is on the public internet: not loopback, private, link-local, CGNAT,
/// unique-local, unspecified, multicast, documentation or otherwise reserved.
pub fn is_public(ip: IpAddr) -> bool {
    match ip {
        IpAddr::V4(a) => is_public_v4(a),
        IpAddr::V6(a) => is_public_v6(a),
    }
}

fn is_public_v4(a: Ipv4Addr) -> bool {
    let [b0, b1, b2, _] = a.octets();
    !(a.is_loopback()
        || a.is_private()
        || a.is_link_local()
        || a.is_unspecified()
        || a.is_broadcast()
        || a.is_multicast()
        || a.is_documentation()
        || b0 == 0                                   // "this network"
        || (b0 == 100 && (64..128).contains(&b1))    // CGNAT 100.64.0.0/10
        || (b0 == 192 && b1 == 0 && b2 == 0)         // IETF protocol assignments
        || (b0 == 198 && (b1 == 18 || b1 == 19))     // benchmarking
        || b0 >= 240) // reserved
}

fn is_public_v6(a: Ipv6Addr) -> bool {
    if let Some(v4) = a.to_ipv4_mapped() {
        return is_public_v4(v4);
    }
    let seg = a.segments();
    // NAT64 (64:ff9b::/96) and 6to4 (2002::/16) carry an IPv4 address that decides.
    if seg[0] == 0x64 && seg[1] == 0xff9b && seg[2..6] == [0, 0, 0, 0] {
        return is_public_v4(Ipv4Addr::new((seg[6] >> 8) as u8, seg[6] as u8, (seg[7] >> 8) as u8, seg[7] as u8));
    }
    if seg[0] == 0x2002 {
        return is_public_v4(Ipv4Addr::new((seg[1] >> 8) as u8, seg[1] as u8, (seg[2] >> 8) as u8, seg[2] as u8));
    }
    !(a.is_loopback()
        || a.is_unspecified()
        || a.is_multicast()
        || (seg[0] & 0xfe00) == 0xfc00                 // unique local fc00::/7
        || (seg[0] & 0xffc0) == 0xfe80                 // link-local fe80::/10
        || (seg[0] & 0xffc0) == 0xfec0                 // site-local (deprecated) fec0::/10
        || (seg[0] == 0x2001 && seg[1] == 0x0db8)      // documentation
        || (seg[0] == 0x2001 && seg[1] == 0)           // Teredo
        || seg[..6] == [0, 0, 0, 0, 0, 0]) // IPv4-compatible and other ::/96
}

#[cfg(test)]
mod tests {
    use super::is_public;

    #[test]
    fn classifies_addresses() {
        for private in [
            "127.0.0.1",
            "10.1.2.3",
            "172.16.0.1",
            "192.168.1.1",
            "169.254.169.254",
            "100.64.0.1",
            "0.0.0.0",
            "::1",
            "::",
            "fd00::1",
            "fe80::1",
            "::ffff:127.0.0.1",
            "::ffff:10.0.0.1",
            "64:ff9b::7f00:1",
            "2002:7f00:1::",
            "255.255.255.255",
            "224.0.0.1",
        ] {
            assert!(!is_public(private.parse().unwrap()), "{private}");
        }
        for public in ["93.184.216.34", "1.1.1.1", "2606:4700:4700::1111", "::ffff:93.184.216.34", "100.128.0.1"] {
            assert!(is_public(public.parse().unwrap()), "{public}");
        }
    }
}
