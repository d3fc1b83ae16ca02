-- A real editor against `schemagate lsp`: headless Neovim (0.7 or later) and its built-in LSP
-- client open an unsafe Alembic revision. The diagnostics Neovim holds must be the findings of
-- `schemagate lint --format json` on the saved file, at the same places (Neovim counts bytes,
-- the CLI characters, LSP UTF-16 units: the revision has non-ASCII text before a finding);
-- then a quick fix and an ignore are applied through Neovim, the buffer is checked, saved, and
-- compared with the CLI again.
--
--   SCHEMAGATE=build/schemagate PROJECT=tests/lsp/project \
--     nvim --headless --clean -n -i NONE -c 'luafile tests/lsp/nvim_test.lua'
--
-- Exits 0 when every check passed, 1 otherwise (with what failed on stderr).

local schemagate = assert(os.getenv("SCHEMAGATE"), "SCHEMAGATE: the schemagate binary")
local source = assert(os.getenv("PROJECT"), "PROJECT: the project to open")
local timeout = 30000 -- ms; a healthy run takes a fraction of a second

local failures = {}
local function check(ok, what)
  if not ok then
    table.insert(failures, what)
  end
end
local function finish()
  for _, f in ipairs(failures) do
    io.stderr:write("FAILED: " .. f .. "\n")
  end
  io.stderr:write(("nvim_test: %d failure(s)\n"):format(#failures))
  vim.cmd(#failures == 0 and "qall!" or "cquit 1")
end

local ok, err = pcall(function()
  vim.lsp.set_log_level("ERROR")

  -- The project, copied: the test edits and saves a revision.
  local dir = vim.fn.tempname()
  local versions = dir .. "/migrations/versions"
  vim.fn.mkdir(versions, "p")
  vim.fn.writefile(vim.fn.readfile(source .. "/alembic.ini", "b"), dir .. "/alembic.ini", "b")
  for _, name in ipairs(vim.fn.readdir(source .. "/migrations/versions")) do
    local from = source .. "/migrations/versions/" .. name
    vim.fn.writefile(vim.fn.readfile(from, "b"), versions .. "/" .. name, "b")
  end
  local file = versions .. "/b2c3d4e5f6a7_index_users.py"

  -- Count what the server publishes, to wait for the diagnostics of each change.
  local published = 0
  local default_handler = vim.lsp.handlers["textDocument/publishDiagnostics"]
  vim.lsp.handlers["textDocument/publishDiagnostics"] = function(e, result, ctx, config)
    default_handler(e, result, ctx, config)
    published = published + 1
  end

  local client_id = vim.lsp.start_client({
    name = "schemagate",
    cmd = { schemagate, "lsp" },
    root_dir = dir,
  })
  check(client_id ~= nil, "the client started")
  vim.cmd("edit " .. vim.fn.fnameescape(file))
  local buf = vim.api.nvim_get_current_buf()
  vim.lsp.buf_attach_client(buf, client_id)

  local function wait_published(after)
    return vim.wait(timeout, function()
      return published > after
    end, 10)
  end
  check(wait_published(0), "diagnostics published after the file was opened")

  -- "rule line:col-line:col" (0-based lines, byte columns) of Neovim's diagnostics ...
  local function nvim_findings()
    local out = {}
    for _, d in ipairs(vim.diagnostic.get(buf)) do
      table.insert(out, ("%s %d:%d-%d:%d"):format(d.code, d.lnum, d.col, d.end_lnum, d.end_col))
    end
    table.sort(out)
    return out
  end
  -- ... and of `schemagate lint --format json` on the saved file (1-based lines, columns in
  -- characters), converted.
  local function cli_findings()
    local output = vim.fn.system({ schemagate, "lint", "--format", "json", file })
    check(vim.v.shell_error <= 1, "schemagate lint ran: " .. output)
    local doc = vim.fn.json_decode(output)
    local lines = vim.fn.readfile(file)
    local function byte_col(line, column)
      local text = lines[line] or ""
      local chars = vim.fn.strchars(text)
      return vim.str_byteindex(text, math.min(column - 1, chars))
    end
    local out = {}
    for _, d in ipairs(doc.diagnostics) do
      table.insert(out, ("%s %d:%d-%d:%d"):format(d.rule, d.line - 1, byte_col(d.line, d.column),
        d.end_line - 1, byte_col(d.end_line, d.end_column)))
    end
    table.sort(out)
    return out
  end
  local function same(a, b, what)
    check(vim.deep_equal(a, b), what .. ":\n  neovim: " .. vim.inspect(a) .. "\n  lint:   " .. vim.inspect(b))
  end
  local function count(list, rule)
    local n = 0
    for _, f in ipairs(list) do
      if f:sub(1, #rule + 1) == rule .. " " then
        n = n + 1
      end
    end
    return n
  end

  local opened = nvim_findings()
  check(#opened >= 5, "the unsafe revision has its findings (its downgrade only undoes it): " .. vim.inspect(opened))
  same(opened, cli_findings(), "on open, Neovim holds what schemagate lint finds")
  -- The CREATE INDEX after "naïve 😀" on line 18: byte 38 for Neovim (character 35 for the
  -- CLI, UTF-16 unit 36 on the wire).
  check(vim.tbl_contains(opened, "require-concurrent-index-creation 17:38-17:80"),
    "the finding after the emoji is at byte 38: " .. vim.inspect(opened))
  for _, d in ipairs(vim.diagnostic.get(buf)) do
    local lsp = d.user_data and d.user_data.lsp or {}
    local doc = "/rules/" .. d.code .. ".md"
    local href = lsp.codeDescription and lsp.codeDescription.href or ""
    check(href:sub(-#doc) == doc, "codeDescription links the rule's doc: " .. href)
    check(d.source == "schemagate", "source is schemagate")
  end

  -- The code actions on a line, as Neovim asks for them.
  local function actions_on(line)
    local params = {
      textDocument = { uri = vim.uri_from_bufnr(buf) },
      range = { start = { line = line, character = 0 }, ["end"] = { line = line, character = 200 } },
      context = { diagnostics = vim.lsp.diagnostic.get_line_diagnostics(buf, line) },
    }
    local responses = vim.lsp.buf_request_sync(buf, "textDocument/codeAction", params, timeout)
    local response = responses and responses[client_id] or {}
    check(response.err == nil, "codeAction answered: " .. vim.inspect(response.err))
    return response.result or {}
  end
  local function apply(action)
    local before = published
    vim.lsp.util.apply_workspace_edit(action.edit, "utf-16")
    check(wait_published(before), "diagnostics published after: " .. action.title)
  end

  -- The quick fix of require-concurrent-index-creation on line 17.
  local fix
  for _, a in ipairs(actions_on(16)) do
    if a.isPreferred and a.diagnostics[1].code == "require-concurrent-index-creation" then
      fix = a
    end
  end
  check(fix ~= nil, "a preferred quick fix for require-concurrent-index-creation")
  if fix then
    apply(fix)
    local lines = vim.api.nvim_buf_get_lines(buf, 15, 19, false)
    same(lines, {
      "def upgrade():",
      "    with op.get_context().autocommit_block():",
      '        op.create_index("ix_users_email", "users", ["email"], postgresql_concurrently=True)',
      "    op.execute(\"SELECT 'naïve 😀'; CREATE INDEX ix_users_name ON users (name)\")",
    }, "the buffer after the quick fix")
    local fixed = nvim_findings()
    check(count(fixed, "require-concurrent-index-creation") == 1, "one CREATE INDEX is fixed")
    check(#fixed < #opened, "fewer findings after the fix")
  end

  -- Ignore adding-required-field on its line (now line 20).
  local ignore
  for _, a in ipairs(actions_on(19)) do
    if a.title == "Ignore adding-required-field on this line" then
      ignore = a
    end
  end
  check(ignore ~= nil, "an action to ignore adding-required-field on its line")
  if ignore then
    apply(ignore)
    local line = vim.api.nvim_buf_get_lines(buf, 19, 20, false)[1]
    check(line:match("  # schemagate: ignore adding%-required%-field$") ~= nil,
      "the ignore comment ends the line: " .. line)
    check(count(nvim_findings(), "adding-required-field") == 0, "the finding is ignored")
  end

  -- Saved: the CLI reads the same text, and agrees again.
  local before = published
  vim.cmd("silent write")
  wait_published(before)
  same(nvim_findings(), cli_findings(), "after the fixes and the save, Neovim holds what schemagate lint finds")

  vim.lsp.stop_client(client_id)
  vim.fn.delete(dir, "rf")
end)
check(ok, "the test ran: " .. tostring(err))
finish()
