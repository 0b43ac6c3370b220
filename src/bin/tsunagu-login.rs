//! Entry point of the login build (`login.html`, served at `/login`).

fn main() {
    console_error_panic_hook::set_once();
    leptos::mount::mount_to_body(tsunagu_web::LoginApp);
}
