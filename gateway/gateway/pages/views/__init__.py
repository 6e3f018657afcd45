"""The pages, one module per audience or part; each exports PAGES (pages.mount finds them)."""
