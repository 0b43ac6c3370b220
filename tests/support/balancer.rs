//! The load balancer in front of several server instances, as a deployment has one: each new
//! client connection goes to the first instance that accepts it, so when an instance dies its
//! clients' reconnections land on the next. TCP only (HTTP/1.1 passes through untouched).

use std::net::SocketAddr;

use tokio::net::{TcpListener, TcpStream};

/// Forwards connections until dropped.
pub struct Balancer {
    pub addr: SocketAddr,
    task: tokio::task::JoinHandle<()>,
}

impl Balancer {
    /// Listens on a free loopback port and forwards to `backends`, in order of preference.
    pub async fn start(backends: Vec<SocketAddr>) -> Self {
        let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
        let addr = listener.local_addr().unwrap();
        let task = tokio::spawn(async move {
            loop {
                let Ok((client, _)) = listener.accept().await else {
                    continue;
                };
                let backends = backends.clone();
                tokio::spawn(async move {
                    let mut client = client;
                    for backend in backends {
                        // A dead instance refuses at once: fail over like a health check would.
                        if let Ok(mut server) = TcpStream::connect(backend).await {
                            let _ = tokio::io::copy_bidirectional(&mut client, &mut server).await;
                            return;
                        }
                    }
                });
            }
        });
        Self { addr, task }
    }
}

impl Drop for Balancer {
    fn drop(&mut self) {
        self.task.abort();
    }
}
