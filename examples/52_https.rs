//! 52 — https on the loop: a TLS handshake, tick by tick, then GET and POST.
//!
//! aiohttp:   ctx = ssl.create_default_context(cafile="ca.pem")
//!            async with aiohttp.ClientSession() as session:
//!                async with session.get(f"{base}/posts/1", ssl=ctx) as r:
//!                    print(await r.text())
//!                async with session.post(f"{base}/posts", json=data, ssl=ctx) as r:
//!                    print(await r.text())
//! aioli:     let client = Client::builder().add_root_certificate(ca_pem)?.build();
//!            client.get(format!("{base}/posts/1")).send().await?.text().await?;
//!            client.post(format!("{base}/posts")).json(&data).send().await?;
//!
//! Watch: the program makes its own certificate authority and a
//! certificate for 127.0.0.1 (rcgen, only here, never in the library),
//! serves the testing app over https, and fetches from it. The first
//! request's handshake is printed as it happens: the loop's tick, each
//! socket turning readable or writable, and what each side's TLS engine
//! sent and received. Count the round trips: the client's hello; the
//! server's whole answer (hello, certificate, Finished) in one flight;
//! the client's Finished. Then the GET prints a post and the POST prints
//! the 201 the fake API answers, both over the same connection, with no
//! second handshake. Last, a client that trusts only the public
//! authorities refuses the same server: "unknown issuer".
//! Differences: Python's `ssl` wraps OpenSSL and hides the pump; here it
//! is `http/src/tls/stream.rs`, and each step is an ordinary poll. aiohttp
//! trusts the system's store by default; aioli-http trusts Mozilla's list
//! compiled in (`webpki-roots`), the same on every machine.

use std::sync::atomic::{AtomicBool, AtomicU64, AtomicU8, Ordering::Relaxed};
use std::sync::Arc;

use aioli::runtime::LoopEvent;
use aioli_http::client::Client;
use aioli_http::tls::{Side, TlsEvent, TlsObserver};
use aioli_http::{testing, Server};
use serde_json::json;

/// A certificate authority and a server certificate signed by it, PEM.
struct Certificates {
    ca_pem: String,
    server_chain_pem: String,
    server_key_pem: String,
}

fn make_certificates() -> Result<Certificates, rcgen::Error> {
    let mut ca_params = rcgen::CertificateParams::new(Vec::<String>::new())?;
    ca_params.is_ca = rcgen::IsCa::Ca(rcgen::BasicConstraints::Unconstrained);
    ca_params.distinguished_name.push(rcgen::DnType::CommonName, "aioli example CA");
    ca_params.key_usages = vec![rcgen::KeyUsagePurpose::KeyCertSign, rcgen::KeyUsagePurpose::CrlSign];
    let ca = rcgen::CertifiedIssuer::self_signed(ca_params, rcgen::KeyPair::generate()?)?;

    // The name the client will check: the IP address it connects to.
    let server_params = rcgen::CertificateParams::new(vec!["127.0.0.1".to_string()])?;
    let server_key = rcgen::KeyPair::generate()?;
    let server_cert = server_params.signed_by(&server_key, &ca)?;
    Ok(Certificates {
        ca_pem: ca.pem(),
        server_chain_pem: server_cert.pem(),
        server_key_pem: server_key.serialize_pem(),
    })
}

/// What the trace shares between the loop's observer and TLS's (atomics
/// only because a `TlsObserver` must be `Send`; one thread uses them).
#[derive(Default)]
struct Trace {
    /// The loop's current tick, from `LoopEvent::TickStarted`.
    tick: AtomicU64,
    /// Printing is on from the first handshake until both sides are done.
    on: AtomicBool,
    done: AtomicU8,
}

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let certificates = make_certificates()?;
    let trace = Arc::new(Trace::default());

    let loop_trace = trace.clone();
    let runtime = aioli::Runtime::builder()
        .observe(move |event| match event {
            LoopEvent::TickStarted { tick } => loop_trace.tick.store(*tick, Relaxed),
            LoopEvent::IoReady { source, direction } if loop_trace.on.load(Relaxed) => {
                println!("  tick {:>3}  loop: socket {source} is {direction}", loop_trace.tick.load(Relaxed));
            }
            _ => {}
        })
        .build()?;

    let tls_trace = trace.clone();
    let observer = TlsObserver::new(move |side: Side, event: &TlsEvent| {
        if *event == TlsEvent::HandshakeStarted && tls_trace.done.load(Relaxed) == 0 {
            tls_trace.on.store(true, Relaxed);
        }
        if tls_trace.on.load(Relaxed) {
            println!("  tick {:>3}  {side}: {event}", tls_trace.tick.load(Relaxed));
        }
        if let TlsEvent::HandshakeDone { .. } = event {
            if tls_trace.done.fetch_add(1, Relaxed) + 1 == 2 {
                tls_trace.on.store(false, Relaxed);
            }
        }
    });

    runtime.block_on(async {
        let server = Server::bind("127.0.0.1:0")
            .tls(certificates.server_chain_pem.as_bytes(), certificates.server_key_pem.as_bytes())
            .tls_observer(observer.clone())
            .start(testing::app())
            .await?;
        let base = format!("https://{}", server.local_addr());
        println!("testing app on {base}, certificate for 127.0.0.1 signed by our own CA\n");

        let client =
            Client::builder().add_root_certificate(certificates.ca_pem.as_bytes())?.tls_observer(observer).build();

        println!("GET {base}/posts/1: the handshake first");
        let response = client.get(format!("{base}/posts/1")).send().await?;
        let status = response.status().as_u16();
        let post: serde_json::Value = response.json().await?;
        println!("\n-> {status}, post {} titled {}", post["id"], post["title"]);

        let data = json!({ "title": "Example", "body": "Content", "userId": 1 });
        let response = client.post(format!("{base}/posts")).json(&data).send().await?;
        println!("POST {base}/posts -> {} {}", response.status().as_u16(), response.text().await?);
        let pool = client.pool_status();
        println!("connections open: {} (both requests used the one handshake)", pool.open);

        // The same server, as a client that trusts only the public CAs sees it.
        let stranger = Client::new();
        match stranger.get(format!("{base}/get")).send().await {
            Ok(response) => println!("\nunexpected: a client without our CA got {}", response.status().as_u16()),
            Err(error) => println!("\na client without our CA is refused: {error}"),
        }

        drop(client);
        server.shutdown(std::time::Duration::from_secs(1)).await;
        Ok::<_, Box<dyn std::error::Error>>(())
    })
}
