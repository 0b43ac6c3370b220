//! `tsunagu-server`: parses the command line and hands over to the library.

use clap::Parser;
use tsunagu_server::config::{Cli, Command};

#[tokio::main]
async fn main() -> anyhow::Result<()> {
    let cli = Cli::parse();
    match cli.command {
        Command::Serve(args) => {
            tsunagu_server::init_tracing();
            tsunagu_server::serve(args).await
        }
        Command::Openapi => {
            print!("{}", tsunagu_server::openapi::yaml()?);
            Ok(())
        }
        Command::SeedLarge(args) => {
            let db = tsunagu_server::db::connect(&args.database_url, 4).await?;
            let group = tsunagu_server::seed_large::seed(&db, args.posts).await?;
            // Only the id on stdout, for scripts.
            println!("{}", group.hyphenated());
            db.close().await;
            Ok(())
        }
    }
}
