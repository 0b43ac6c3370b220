//! A mail relay on loopback for tests: enough SMTP (RFC 5321) for a real client such as lettre,
//! every message kept and decoded as a mail program would (`mail-parser`: RFC 2047 subjects,
//! base64 or quoted-printable bodies). `refuse(n)` answers the next `n` messages with a
//! transient 451, as a busy relay does.

use std::net::SocketAddr;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use mail_parser::MimeHeaders as _;
use tokio::io::{AsyncBufReadExt as _, AsyncWriteExt as _, BufReader};
use tokio::net::{TcpListener, TcpStream};

/// A mail as the sink received it: its envelope recipients, subject and plain-text body.
#[derive(Debug, Clone)]
pub struct Mail {
    pub to: Vec<String>,
    pub subject: String,
    /// The body with `\n` line ends.
    pub body: String,
}

impl Mail {
    /// The six digits after 「確認コード: 」 of a confirmation mail.
    pub fn confirmation_code(&self) -> Option<String> {
        let code: String = self
            .body
            .split("確認コード: ")
            .nth(1)?
            .chars()
            .take(6)
            .collect();
        (code.len() == 6 && code.chars().all(|c| c.is_ascii_digit())).then_some(code)
    }
}

/// The relay; clones share what it received.
#[derive(Clone, Default)]
pub struct SmtpSink {
    mails: Arc<Mutex<Vec<Mail>>>,
    refuse: Arc<AtomicUsize>,
    refused: Arc<AtomicUsize>,
}

impl SmtpSink {
    /// Listens on a free loopback port until the test ends.
    pub async fn start() -> (Self, SocketAddr) {
        let sink = Self::default();
        let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
        let addr = listener.local_addr().unwrap();
        let server = sink.clone();
        tokio::spawn(async move {
            while let Ok((stream, _)) = listener.accept().await {
                let sink = server.clone();
                tokio::spawn(async move {
                    let _ = sink.session(stream).await;
                });
            }
        });
        (sink, addr)
    }

    /// The next `n` messages get a transient failure after their data.
    pub fn refuse(&self, n: usize) {
        self.refuse.store(n, Ordering::SeqCst);
    }

    /// How many messages were refused so far.
    pub fn refused(&self) -> usize {
        self.refused.load(Ordering::SeqCst)
    }

    async fn session(&self, stream: TcpStream) -> std::io::Result<()> {
        let (read, mut write) = stream.into_split();
        let mut lines = BufReader::new(read);
        write.write_all(b"220 sink.test ESMTP\r\n").await?;
        let mut to = Vec::new();
        let mut line = String::new();
        loop {
            line.clear();
            if lines.read_line(&mut line).await? == 0 {
                return Ok(());
            }
            let command = line.trim_end().to_ascii_uppercase();
            let reply: &[u8] = if command.starts_with("EHLO") || command.starts_with("HELO") {
                b"250 sink.test\r\n"
            } else if command.starts_with("MAIL FROM") {
                to.clear();
                b"250 2.1.0 OK\r\n"
            } else if command.starts_with("RCPT TO:") {
                let address = line.trim_end()["RCPT TO:".len()..]
                    .trim()
                    .trim_start_matches('<')
                    .trim_end_matches('>')
                    .to_owned();
                to.push(address);
                b"250 2.1.5 OK\r\n"
            } else if command == "DATA" {
                write.write_all(b"354 end with .\r\n").await?;
                let mut data = String::new();
                loop {
                    line.clear();
                    if lines.read_line(&mut line).await? == 0 {
                        return Ok(());
                    }
                    if line == ".\r\n" {
                        break;
                    }
                    // Dot-stuffing (RFC 5321 4.5.2).
                    data.push_str(line.strip_prefix('.').unwrap_or(&line));
                }
                let refuse = self
                    .refuse
                    .fetch_update(Ordering::SeqCst, Ordering::SeqCst, |n| n.checked_sub(1))
                    .is_ok();
                if refuse {
                    self.refused.fetch_add(1, Ordering::SeqCst);
                    b"451 4.3.0 try again later\r\n"
                } else {
                    self.mails.lock().unwrap().push(decode(to.clone(), &data));
                    b"250 2.0.0 queued\r\n"
                }
            } else if command == "QUIT" {
                write.write_all(b"221 2.0.0 bye\r\n").await?;
                return Ok(());
            } else if command == "RSET" || command == "NOOP" {
                b"250 2.0.0 OK\r\n"
            } else {
                b"502 5.5.1 not implemented\r\n"
            };
            write.write_all(reply).await?;
        }
    }

    /// Every mail so far, in arrival order.
    pub fn all(&self) -> Vec<Mail> {
        self.mails.lock().unwrap().clone()
    }

    /// The mails so far whose envelope names `address`.
    pub fn to(&self, address: &str) -> Vec<Mail> {
        self.all()
            .into_iter()
            .filter(|m| m.to.iter().any(|t| t == address))
            .collect()
    }

    /// Waits until `n` mails arrived in all (10 s at most), then a little longer so that one
    /// too many would show.
    pub async fn wait_for(&self, n: usize) -> Vec<Mail> {
        self.settle(|| self.all().len() >= n).await;
        self.all()
    }

    /// [`SmtpSink::wait_for`] counting only the mails to `address`.
    pub async fn wait_for_mails(&self, address: &str, n: usize) -> Vec<Mail> {
        self.settle(|| self.to(address).len() >= n).await;
        self.to(address)
    }

    /// The code of the newest confirmation mail to `address`, waiting for one.
    pub async fn wait_for_code(&self, address: &str) -> String {
        for _ in 0..200 {
            if let Some(code) = self.to(address).last().and_then(Mail::confirmation_code) {
                return code;
            }
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
        panic!("no confirmation code to {address}: {:?}", self.all());
    }

    async fn settle(&self, done: impl Fn() -> bool) {
        for _ in 0..200 {
            if done() {
                break;
            }
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
        tokio::time::sleep(Duration::from_millis(700)).await;
    }
}

/// A plain-text mail decoded; panics on anything else (the server sends nothing else).
fn decode(to: Vec<String>, data: &str) -> Mail {
    let message = mail_parser::MessageParser::default()
        .parse(data.as_bytes())
        .expect("a MIME message");
    assert!(
        message.is_content_type("text", "plain"),
        "not text/plain: {data}"
    );
    Mail {
        to,
        subject: message.subject().unwrap_or_default().to_owned(),
        body: message
            .body_text(0)
            .unwrap_or_default()
            .replace("\r\n", "\n"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn encoded_subjects_and_bodies_read_as_written() {
        let raw = "From: =?utf-8?b?44Gk44Gq44GQ?= <noreply@example.jp>\r\n\
            To: a@example.jp\r\n\
            Subject: =?utf-8?b?44CQ44Gk44Gq44GQ44CR5paw44GX44GE?=\r\n\
            MIME-Version: 1.0\r\n\
            Content-Type: text/plain; charset=utf-8\r\n\
            Content-Transfer-Encoding: base64\r\n\
            \r\n\
            56K66KqN44Kz44O844OJOiAxMjM0NTYK\r\n";
        let mail = decode(vec!["a@example.jp".into()], raw);
        assert_eq!(mail.subject, "【つなぐ】新しい");
        assert_eq!(mail.body, "確認コード: 123456\n");
        assert_eq!(mail.confirmation_code().as_deref(), Some("123456"));
    }
}
