//! `tsunagu-server`: parses the command line and hands over to the library.

use clap::Parser;
use tsunagu_server::config::{AuditCommand, Cli, Command};

// glibc's malloc took a sixth of the read path's CPU (perf: malloc, free and consolidation of
// the many small rows and strings a page of posts is made of); mimalloc's thread-local pages
// make those cheap.
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

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
        Command::Audit(AuditCommand::Verify(args)) => {
            let db = tsunagu_server::db::connect(&args.database_url, 2).await?;
            let store = tsunagu_server::admin::store(&db);
            let report =
                tsunagu_server::admin::audit_verify::verify(&store, args.head.as_deref()).await?;
            db.close().await;
            let intact =
                tsunagu_server::admin::audit_verify::print(&report, &mut std::io::stdout().lock())?;
            if !intact {
                std::process::exit(1);
            }
            Ok(())
        }
    }
}
