-- schemagate for Python and SQL buffers (Neovim 0.8 or later). Findings show as diagnostics;
-- `vim.lsp.buf.code_action()` offers the fixes and ignores, `vim.lsp.buf.hover()` the rule's
-- documentation. Python files that are not Alembic revisions get nothing from it, so it runs
-- beside your Python server.
vim.api.nvim_create_autocmd("FileType", {
  pattern = { "python", "sql" },
  callback = function(args)
    local markers = { ".schemagate.yaml", "alembic.ini", "pyproject.toml", ".git" }
    local found = vim.fs.find(markers, { upward = true, path = vim.fs.dirname(args.file) })[1]
    vim.lsp.start({
      name = "schemagate",
      cmd = { "schemagate", "lsp" },
      root_dir = found and vim.fs.dirname(found) or vim.fs.dirname(args.file),
    }, { bufnr = args.buf })
  end,
})
