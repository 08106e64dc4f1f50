#pragma once

#include <QIcon>

namespace Loadwizard::Ui {

/// The workbench's own icons: simple line glyphs drawn at paint time in the palette's text
/// colour, so one set looks the same everywhere (no icon theme needed) and follows a switch
/// between light and dark. Status glyphs (run, passed, failed, warning, error) keep their colour.
namespace Icons {

enum class Glyph
{
    New,
    Open,
    Save,
    Undo,
    Redo,
    Run,
    Stop,
    Abort,
    Pause,
    Design,
    Project,
    Scenario,
    Profile,
    Rendezvous,
    Outputs,
    Groups,
    Results,
    File,
    Add,
    Remove,
    Trash,
    Up,
    Down,
    Reload,
    Close,
    Reveal,
    Passed,
    Failed,
    Warning,
    Error,
};

QIcon icon(Glyph glyph);

} // namespace Icons
} // namespace Loadwizard::Ui
