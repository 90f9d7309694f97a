// How large an uploaded CSV may be: as raw body (the API) or as a form's file or text (the pages).
export const CSV_LIMIT_BYTES = 20 * 1024 * 1024;
