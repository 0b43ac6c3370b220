//! Entry point of the media build (`media.html`, served under `/media`).

fn main() {
    console_error_panic_hook::set_once();
    leptos::mount::mount_to_body(tsunagu_web::MediaApp);
}
