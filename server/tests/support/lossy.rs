//! A loopback TCP proxy that loses a help desk's answer: it forwards every byte both
//! ways, but after a request that starts with a given line (`POST /REST/2.0/ticket`)
//! it lets the help desk answer and then never passes that answer on. It either holds
//! it until the client has given up (`Loss::Hold`) or resets the client's connection
//! (`Loss::Reset`). The help desk has made the ticket; the client cannot know.

#![allow(dead_code)]

use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Arc;
use std::time::Duration;

use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::{TcpListener, TcpStream};

#[derive(Clone, Copy, Debug)]
pub enum Loss {
    /// Keep the answer this long (past the client's timeout), then close.
    Hold(Duration),
    /// Reset the client's connection (RST) instead of answering.
    Reset,
}

#[derive(Clone)]
pub struct LossyProxy {
    /// `http://127.0.0.1:PORT`, to give the client instead of the help desk's URL.
    pub url: String,
    armed: Arc<AtomicUsize>,
    lost: Arc<AtomicUsize>,
    forwarded: Arc<AtomicUsize>,
}

impl LossyProxy {
    /// Proxies to `upstream` (`127.0.0.1:PORT`); answers to requests starting with
    /// `request_line` are lost while armed (see [`LossyProxy::lose_next`]).
    pub async fn start(upstream: String, request_line: &str, loss: Loss) -> LossyProxy {
        let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
        let proxy = LossyProxy {
            url: format!("http://{}", listener.local_addr().unwrap()),
            armed: Arc::default(),
            lost: Arc::default(),
            forwarded: Arc::default(),
        };
        let me = proxy.clone();
        let line = request_line.as_bytes().to_vec();
        tokio::spawn(async move {
            while let Ok((client, _)) = listener.accept().await {
                let me = me.clone();
                let upstream = upstream.clone();
                let line = line.clone();
                tokio::spawn(async move {
                    if let Ok(server) = TcpStream::connect(&upstream).await {
                        me.pipe(client, server, &line, loss).await;
                    }
                });
            }
        });
        proxy
    }

    /// Loses the answers to the next `n` matching requests.
    pub fn lose_next(&self, n: usize) {
        self.armed.store(n, Ordering::SeqCst);
    }

    /// Answers lost so far.
    pub fn lost(&self) -> usize {
        self.lost.load(Ordering::SeqCst)
    }

    /// Matching requests forwarded so far (lost or not).
    pub fn forwarded(&self) -> usize {
        self.forwarded.load(Ordering::SeqCst)
    }

    async fn pipe(&self, mut client: TcpStream, mut server: TcpStream, line: &[u8], loss: Loss) {
        let mut up = vec![0u8; 64 * 1024];
        let mut down = vec![0u8; 64 * 1024];
        let mut losing = false;
        loop {
            tokio::select! {
                n = client.read(&mut up) => {
                    let Ok(n) = n else { return };
                    if n == 0 { return; }
                    if up[..n].starts_with(line) {
                        self.forwarded.fetch_add(1, Ordering::SeqCst);
                        let armed = self
                            .armed
                            .fetch_update(Ordering::SeqCst, Ordering::SeqCst, |a| a.checked_sub(1))
                            .is_ok();
                        losing |= armed;
                    }
                    if server.write_all(&up[..n]).await.is_err() { return; }
                }
                n = server.read(&mut down) => {
                    let Ok(n) = n else { return };
                    if n == 0 { return; }
                    if losing {
                        self.lost.fetch_add(1, Ordering::SeqCst);
                        match loss {
                            Loss::Hold(d) => tokio::time::sleep(d).await,
                            // A zero linger does not block: the drop sends RST at once.
                            #[allow(deprecated)]
                            Loss::Reset => { let _ = client.set_linger(Some(Duration::ZERO)); }
                        }
                        return;
                    }
                    if client.write_all(&down[..n]).await.is_err() { return; }
                }
            }
        }
    }
}
