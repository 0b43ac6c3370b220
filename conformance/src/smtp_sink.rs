//! A loopback SMTP server that accepts every mail and keeps none: the server the suite launches
//! sends its confirmation codes here, so its e-mail endpoints are on without mail leaving the
//! machine. (The suite reads no mail: it checks what the API shows.)

use std::net::SocketAddr;

use tokio::io::{AsyncBufReadExt as _, AsyncWriteExt as _, BufReader};
use tokio::net::{TcpListener, TcpStream};

/// Starts the sink on a free loopback port; it runs until the process ends.
pub async fn start() -> std::io::Result<SocketAddr> {
    let listener = TcpListener::bind("127.0.0.1:0").await?;
    let addr = listener.local_addr()?;
    tokio::spawn(async move {
        while let Ok((stream, _)) = listener.accept().await {
            tokio::spawn(async move {
                let _ = session(stream).await;
            });
        }
    });
    Ok(addr)
}

async fn session(stream: TcpStream) -> std::io::Result<()> {
    let (read, mut write) = stream.into_split();
    let mut lines = BufReader::new(read);
    write.write_all(b"220 conformance ESMTP\r\n").await?;
    let mut line = String::new();
    let mut in_data = false;
    loop {
        line.clear();
        if lines.read_line(&mut line).await? == 0 {
            return Ok(());
        }
        if in_data {
            if line == ".\r\n" {
                in_data = false;
                write.write_all(b"250 2.0.0 discarded\r\n").await?;
            }
            continue;
        }
        let command = line.trim_end().to_ascii_uppercase();
        if command == "DATA" {
            in_data = true;
            write.write_all(b"354 go ahead\r\n").await?;
        } else if command == "QUIT" {
            write.write_all(b"221 2.0.0 bye\r\n").await?;
            return Ok(());
        } else {
            write.write_all(b"250 conformance\r\n").await?;
        }
    }
}
