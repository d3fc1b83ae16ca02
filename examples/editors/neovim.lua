-- schemagate for Python and SQL buffers, with Neovim's built-in LSP client (Neovim 0.7 or
-- later: only APIs that 0.7 has and later versions keep). Findings show as diagnostics;
-- `vim.lsp.buf.code_action()` offers the fixes and ignores, `vim.lsp.buf.hover()` the rule's
-- documentation. Python files that are not Alembic revisions get nothing from it, so it runs
-- beside your Python server. One server per project root.
local clients = {} -- root folder → client id

local function root_of(file)
  local dir = vim.fn.fnamemodify(file, ":p:h")
  for _, marker in ipairs({ ".schemagate.yaml", "alembic.ini", "pyproject.toml" }) do
    local found = vim.fn.findfile(marker, dir .. ";")
    if found ~= "" then
      return vim.fn.fnamemodify(found, ":p:h")
    end
  end
  local git = vim.fn.finddir(".git", dir .. ";")
  if git ~= "" then
    return vim.fn.fnamemodify(git, ":p:h:h")
  end
  return dir
end

vim.api.nvim_create_autocmd("FileType", {
  pattern = { "python", "sql" },
  callback = function(args)
    local file = vim.api.nvim_buf_get_name(args.buf)
    if file == "" then
      return
    end
    local root = root_of(file)
    local id = clients[root]
    if id == nil or vim.lsp.get_client_by_id(id) == nil then
      id = vim.lsp.start_client({
        name = "schemagate",
        cmd = { "schemagate", "lsp" },
        root_dir = root,
      })
      clients[root] = id
    end
    if id ~= nil then
      vim.lsp.buf_attach_client(args.buf, id)
    end
  end,
})
