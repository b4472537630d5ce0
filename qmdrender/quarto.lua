-- Pandoc filter giving the fallback renderer Quarto's callouts, .qmd links and scrollable tables.

local kinds = { note = true, tip = true, important = true, caution = true, warning = true }

local function escape(s)
  return (s:gsub("&", "&amp;"):gsub("<", "&lt;"):gsub(">", "&gt;"))
end

-- A cell whose `output: asis` wrote headings: its content is lifted out of the cell's div, so the headings
-- start sections and appear in the table of contents (Pandoc leaves headings inside a div out of it).
local function lift_headings(el)
  for _, b in ipairs(el.content) do
    if b.t == "Header" then return el.content end
  end
  return nil
end

function Div(el)
  if el.classes:includes("cell") then return lift_headings(el) end
  for _, cls in ipairs(el.classes) do
    local kind = cls:match("^callout%-(%a+)$")
    if kind and kinds[kind] then
      local content = el.content
      local title = el.attributes["title"]
      if not title and #content > 0 and content[1].t == "Header" then
        title = pandoc.utils.stringify(content[1])
        content:remove(1)
      end
      title = escape(title or (kind:sub(1, 1):upper() .. kind:sub(2)))
      local collapse = el.attributes["collapse"]
      local open_tag, close_tag
      if collapse ~= nil then
        local open = (collapse == "false") and " open" or ""
        open_tag = '<details class="callout callout-' .. kind .. '"' .. open .. '><summary class="callout-title">'
          .. title .. '</summary><div class="callout-body">'
        close_tag = "</div></details>"
      else
        open_tag = '<div class="callout callout-' .. kind .. '"><div class="callout-title">' .. title
          .. '</div><div class="callout-body">'
        close_tag = "</div></div>"
      end
      local blocks = { pandoc.RawBlock("html", open_tag) }
      for _, b in ipairs(content) do table.insert(blocks, b) end
      table.insert(blocks, pandoc.RawBlock("html", close_tag))
      return blocks
    end
  end
end

function Link(el)
  if not el.target:match("^%a[%w+.-]*:") then
    el.target = el.target:gsub("%.qmd$", ".html"):gsub("%.qmd#", ".html#")
  end
  return el
end

-- Tables: natural column widths (not Pandoc's relative ones, which squeeze a wide table into the page),
-- short cells kept on one line, and a frame that scrolls sideways with the first column held in view.
local LONG_CELL = 24  -- characters; longer cells may wrap

local function mark_long_cells(rows)
  for _, row in ipairs(rows) do
    for _, cell in ipairs(row.cells) do
      local text = pandoc.utils.stringify(cell.contents)
      if (utf8.len(text) or #text) > LONG_CELL then
        cell.classes:insert("wrap")
      end
    end
  end
end

function Table(tbl)
  local specs = {}
  for i, spec in ipairs(tbl.colspecs) do specs[i] = { spec[1], pandoc.ColWidthDefault } end
  tbl.colspecs = specs
  for _, body in ipairs(tbl.bodies) do mark_long_cells(body.body) end
  return {
    pandoc.RawBlock("html", '<div class="table-frame"><div class="table-scroll" tabindex="0" role="region" aria-label="Table">'),
    tbl,
    pandoc.RawBlock("html", "</div></div>"),
  }
end
