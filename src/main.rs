//! Entry point: mounts the SPA into `<body>`.

fn main() {
    console_error_panic_hook::set_once();
    leptos::mount::mount_to_body(tsunagu_web::App);
}
