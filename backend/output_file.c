/* placeholder: replaced by the backend work */
typedef int ln_backend_placeholder;
