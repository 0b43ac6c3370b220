//! `tsunagu-server`: parses the command line and hands over to the library.

use clap::Parser;
use tsunagu_server::admin;
use tsunagu_server::config::{AdminCommand, AuditCommand, Cli, Command};

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
            tsunagu_server::serve(*args).await
        }
        Command::Openapi => {
            print!("{}", tsunagu_server::openapi::yaml()?);
            Ok(())
        }
        Command::SeedLarge(args) => {
            let db = tsunagu_server::db::connect(&args.db.database_url, 4).await?;
            let group = tsunagu_server::seed_large::seed(&db, args.posts).await?;
            // Only the id on stdout, for scripts.
            println!("{}", group.hyphenated());
            db.close().await;
            Ok(())
        }
        Command::SeedRegion(args) => {
            let db = tsunagu_server::db::connect(&args.db.database_url, 4).await?;
            let seeded =
                tsunagu_server::seed_region::seed(&db, args.facilities, args.users, args.posts)
                    .await?;
            println!("{}", if seeded { "seeded" } else { "present" });
            db.close().await;
            Ok(())
        }
        Command::Audit(AuditCommand::Verify(args)) => {
            let db = tsunagu_server::db::connect(&args.db.database_url, 2).await?;
            let store = admin::store(&db);
            let report = admin::audit_verify::verify(&store, args.head.as_deref()).await?;
            db.close().await;
            let intact = admin::audit_verify::print(&report, &mut std::io::stdout().lock())?;
            if !intact {
                std::process::exit(1);
            }
            Ok(())
        }
        Command::Admin(AdminCommand::CreateOperator(args)) => {
            let login_id = admin::accounts::value_or_prompt(args.login_id, "Login ID")?;
            let name = admin::accounts::value_or_prompt(args.name, "Name")?;
            let password = admin::accounts::new_password()?;
            let db = tsunagu_server::db::connect(&args.db.database_url, 2).await?;
            let store = admin::store(&db);
            let created = admin::accounts::create_operator(
                &store,
                &login_id,
                &name,
                &args.name_kana,
                password,
            )
            .await;
            db.close().await;
            created?;
            println!("operator {login_id} created: log in at the server's /login");
            Ok(())
        }
        Command::Admin(AdminCommand::ResetPassword(args)) => {
            let password = admin::accounts::new_password()?;
            let db = tsunagu_server::db::connect(&args.db.database_url, 2).await?;
            let store = admin::store(&db);
            let reset = admin::accounts::reset_password(&store, &args.login_id, password).await;
            db.close().await;
            reset?;
            println!("password of {} set; its sessions ended", args.login_id);
            Ok(())
        }
        Command::Admin(AdminCommand::Backup(args)) => {
            let db = tsunagu_server::db::connect(&args.db.database_url, 2).await?;
            let store = admin::store(&db);
            let done = admin::backup::backup(&store, &args.db.database_url, &args.to).await;
            db.close().await;
            done?;
            println!("backup written to {}", args.to.display());
            Ok(())
        }
        Command::Admin(AdminCommand::Restore(args)) => {
            admin::backup::restore(&args.db.database_url, &args.from, args.force).await?;
            println!(
                "restored from {}; start the server to bring its schema up to date",
                args.from.display()
            );
            Ok(())
        }
    }
}
