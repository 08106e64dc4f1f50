#pragma once

class QWidget;

namespace Loadwizard::Ui {

/// Form fields read well at about 80 characters: wider, a URL field on a wide window was 1000 px
/// of mostly empty box. Caps the width of the input fields (line edits, combo boxes, spin boxes,
/// text and table fields) of every QFormLayout under `root`; the rest of the row stays empty.
void capFormFieldWidths(QWidget *root);
/// The cap, in pixels, for `widget`'s font.
int formFieldMaximumWidth(const QWidget *widget);

} // namespace Loadwizard::Ui
