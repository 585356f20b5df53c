// Tailwind 4 reads its configuration from CSS (src/app/globals.css: @import "tailwindcss" and
// @theme). This file keeps the content globs and theme extensions discoverable for editors.
const config = {
  content: ["./src/**/*.{ts,tsx}"],
  theme: {
    extend: {},
  },
};

export default config;
