//! Who is calling, as flow control and the audit trail count it: the TCP peer, or, when the
//! peer is one of the configured trusted proxies (`--trusted-proxy CIDR`), the address that
//! proxy says it forwarded for (`X-Forwarded-For`). A client cannot choose its own address by
//! sending the header: from an untrusted peer the header is ignored.

use std::net::{IpAddr, SocketAddr};

use axum::extract::ConnectInfo;
use axum::http::{Extensions, HeaderMap};
use ipnet::IpNet;

/// The networks whose `X-Forwarded-For` is believed.
#[derive(Debug, Clone, Default)]
pub struct TrustedProxies(Vec<IpNet>);

impl TrustedProxies {
    /// Parses CIDRs (`10.0.0.0/8`) or single addresses (`192.0.2.7`), naming a bad one.
    pub fn parse<S: AsRef<str>>(items: &[S]) -> Result<Self, String> {
        items
            .iter()
            .map(|s| {
                let s = s.as_ref().trim();
                s.parse::<IpNet>()
                    .or_else(|_| s.parse::<IpAddr>().map(IpNet::from))
                    .map_err(|_| {
                        format!("--trusted-proxy: {s:?} is not an IP address or CIDR block")
                    })
            })
            .collect::<Result<Vec<_>, _>>()
            .map(Self)
    }

    fn trusts(&self, ip: IpAddr) -> bool {
        self.0.iter().any(|net| net.contains(&ip))
    }

    /// The client behind `peer`: walking `X-Forwarded-For` from the right (the entry the
    /// nearest proxy added) past every trusted proxy, the first address that is not one. An
    /// entry that does not parse ends the walk at the last trusted hop, which is then counted.
    pub fn client(&self, peer: IpAddr, headers: &HeaderMap) -> IpAddr {
        if !self.trusts(peer) {
            return peer;
        }
        let mut client = peer;
        let hops = headers
            .get_all("x-forwarded-for")
            .iter()
            .filter_map(|v| v.to_str().ok())
            .flat_map(|v| v.split(','))
            .collect::<Vec<_>>();
        for hop in hops.iter().rev() {
            match hop.trim().parse::<IpAddr>() {
                Ok(ip) if self.trusts(ip) => client = ip,
                Ok(ip) => return ip,
                Err(_) => return client,
            }
        }
        client
    }
}

/// The client's address, as an extractor (`None` when the server does not know the peer).
#[derive(Debug, Clone, Copy)]
pub struct ClientIp(pub Option<IpAddr>);

impl axum::extract::FromRequestParts<crate::http::AppState> for ClientIp {
    type Rejection = std::convert::Infallible;

    async fn from_request_parts(
        parts: &mut axum::http::request::Parts,
        state: &crate::http::AppState,
    ) -> Result<Self, Self::Rejection> {
        Ok(Self(client_ip(
            &parts.extensions,
            &parts.headers,
            &state.trusted_proxies,
        )))
    }
}

/// The client's address for a request, when the server knows the peer.
pub fn client_ip(
    extensions: &Extensions,
    headers: &HeaderMap,
    trusted: &TrustedProxies,
) -> Option<IpAddr> {
    let peer = extensions.get::<ConnectInfo<SocketAddr>>()?.0.ip();
    Some(trusted.client(peer, headers))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn headers(xff: &str) -> HeaderMap {
        let mut h = HeaderMap::new();
        h.insert("x-forwarded-for", xff.parse().unwrap());
        h
    }

    #[test]
    fn forwarded_for_is_believed_only_from_a_trusted_proxy() {
        let trusted = TrustedProxies::parse(&["10.0.0.0/8", "192.0.2.7"]).unwrap();
        let proxy: IpAddr = "10.1.2.3".parse().unwrap();
        let stranger: IpAddr = "203.0.113.9".parse().unwrap();
        // A stranger cannot pick its address.
        assert_eq!(trusted.client(stranger, &headers("198.51.100.1")), stranger);
        // Through the proxy: the client the proxy saw, not what the client claimed before it.
        assert_eq!(
            trusted.client(proxy, &headers("6.6.6.6, 198.51.100.1")),
            "198.51.100.1".parse::<IpAddr>().unwrap()
        );
        // Through two trusted hops.
        assert_eq!(
            trusted.client(proxy, &headers("198.51.100.1, 192.0.2.7")),
            "198.51.100.1".parse::<IpAddr>().unwrap()
        );
        // Garbage ends the walk at the last trusted hop.
        assert_eq!(trusted.client(proxy, &headers("nonsense")), proxy);
        assert_eq!(trusted.client(proxy, &HeaderMap::new()), proxy);
        assert!(TrustedProxies::parse(&["10.0.0.0/33"]).is_err());
        assert!(TrustedProxies::default().client(proxy, &headers("1.2.3.4")) == proxy);
    }
}
