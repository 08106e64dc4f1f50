#include "projectsettingseditor.h"

#include "projectdocument.h"

#include <QCheckBox>
#include <QDoubleSpinBox>
#include <QFormLayout>
#include <QGroupBox>
#include <QLabel>
#include <QLineEdit>
#include <QPlainTextEdit>
#include <QScrollArea>
#include <QSpinBox>
#include <QVBoxLayout>

#include <thread>

namespace Loadwizard::Ui {

namespace {

// "Name: value" lines as the project's default headers; a line without a colon is a name with
// an empty value, blank lines are skipped (the project file check reports bad names).
std::vector<std::pair<std::string, std::string>> parseHeaderLines(const QString &text)
{
    std::vector<std::pair<std::string, std::string>> headers;
    for (const QString &line : text.split(u'\n')) {
        if (line.trimmed().isEmpty())
            continue;
        const qsizetype colon = line.indexOf(u':');
        const QString name = colon < 0 ? line : line.left(colon);
        const QString value = colon < 0 ? QString() : line.mid(colon + 1);
        headers.emplace_back(name.trimmed().toStdString(), value.trimmed().toStdString());
    }
    return headers;
}

QString headerLines(const std::vector<std::pair<std::string, std::string>> &headers)
{
    QStringList lines;
    for (const auto &[name, value] : headers)
        lines << QString::fromStdString(name) + QStringLiteral(": ") +
                     QString::fromStdString(value);
    return lines.join(u'\n');
}

QDoubleSpinBox *secondsBox(double maximum, const QString &special, QWidget *parent)
{
    auto *box = new QDoubleSpinBox(parent);
    box->setRange(0, maximum);
    box->setDecimals(2);
    box->setSuffix(QObject::tr(" s"));
    box->setSpecialValueText(special);
    box->setAccelerated(true);
    return box;
}

} // namespace

ProjectSettingsEditor::ProjectSettingsEditor(ProjectDocument *document, QWidget *parent)
    : QWidget(parent)
    , m_document(document)
    , m_name(new QLineEdit(this))
    , m_description(new QPlainTextEdit(this))
    , m_thinkMultiplier(new QDoubleSpinBox(this))
    , m_thinkMax(secondsBox(86400, tr("no cap"), this))
    , m_gracefulStop(secondsBox(86400, QString(), this))
    , m_workers(new QSpinBox(this))
    , m_httpTimeout(secondsBox(86400, QString(), this))
    , m_verifyTls(new QCheckBox(tr("Verify server certificates"), this))
    , m_http2(new QCheckBox(tr("Offer HTTP/2 over TLS"), this))
    , m_maxRedirects(new QSpinBox(this))
    , m_bufferSize(new QSpinBox(this))
    , m_userAgent(new QLineEdit(this))
    , m_baseUrl(new QLineEdit(this))
    , m_headers(new QPlainTextEdit(this))
{
    m_name->setPlaceholderText(tr("Shown in reports"));
    m_description->setTabChangesFocus(true);
    m_description->setMaximumHeight(m_description->fontMetrics().lineSpacing() * 5);
    m_thinkMultiplier->setRange(0, 100);
    m_thinkMultiplier->setDecimals(2);
    m_thinkMultiplier->setSingleStep(0.1);
    m_thinkMultiplier->setPrefix(QStringLiteral("× "));
    m_thinkMultiplier->setToolTip(tr("0 ignores think times, 2 doubles them"));
    m_workers->setRange(0, maxWorkers);
    m_workers->setSpecialValueText(
        tr("one per core (%1)").arg(std::max(1u, std::thread::hardware_concurrency())));
    m_maxRedirects->setRange(0, 1000);
    m_maxRedirects->setSpecialValueText(tr("do not follow"));
    m_bufferSize->setRange(1024, 524288);
    m_bufferSize->setSingleStep(1024);
    m_bufferSize->setSuffix(tr(" bytes"));
    m_userAgent->setPlaceholderText(QStringLiteral("Loadwizard/" LOADWIZARD_VERSION));
    m_baseUrl->setPlaceholderText(QStringLiteral("http://127.0.0.1:8080"));
    m_baseUrl->setToolTip(tr("Relative request URLs (\"/login\") resolve against this"));
    m_headers->setTabChangesFocus(true);
    m_headers->setPlaceholderText(tr("Accept: application/json\nAuthorization: Bearer ${TOKEN}"));
    m_headers->setToolTip(tr("Sent with every request that does not set the header itself; one "
                             "\"Name: value\" per line"));
    m_headers->setMaximumHeight(m_headers->fontMetrics().lineSpacing() * 5);

    auto *general = new QGroupBox(tr("Project"), this);
    auto *generalForm = new QFormLayout(general);
    generalForm->addRow(tr("&Name:"), m_name);
    generalForm->addRow(tr("&Description:"), m_description);

    auto *run = new QGroupBox(tr("Run"), this);
    auto *runForm = new QFormLayout(run);
    runForm->addRow(tr("&Think time:"), m_thinkMultiplier);
    runForm->addRow(tr("Think time &cap:"), m_thinkMax);
    runForm->addRow(tr("&Graceful stop:"), m_gracefulStop);
    runForm->addRow(tr("&Workers:"), m_workers);

    auto *http = new QGroupBox(tr("HTTP"), this);
    auto *httpForm = new QFormLayout(http);
    httpForm->addRow(tr("T&imeout:"), m_httpTimeout);
    httpForm->addRow(QString(), m_verifyTls);
    httpForm->addRow(QString(), m_http2);
    httpForm->addRow(tr("Redirect&s:"), m_maxRedirects);
    httpForm->addRow(tr("&Buffer:"), m_bufferSize);
    httpForm->addRow(tr("&User agent:"), m_userAgent);
    httpForm->addRow(tr("Base U&RL:"), m_baseUrl);
    httpForm->addRow(tr("&Headers:"), m_headers);

    // Read-only: feeders are written in the project file; the list shows what a run will read.
    auto *data = new QGroupBox(tr("Test data"), this);
    m_data = new QLabel(data);
    m_data->setWordWrap(true);
    m_data->setTextFormat(Qt::PlainText);
    m_data->setTextInteractionFlags(Qt::TextSelectableByMouse);
    m_data->setAccessibleName(tr("Data feeders"));
    auto *dataLayout = new QVBoxLayout(data);
    dataLayout->addWidget(m_data);

    auto *content = new QWidget;
    auto *contentLayout = new QVBoxLayout(content);
    contentLayout->addWidget(new QLabel(tr("<h3>Project settings</h3>"), content));
    contentLayout->addWidget(general);
    contentLayout->addWidget(run);
    contentLayout->addWidget(http);
    contentLayout->addWidget(data);
    contentLayout->addStretch();
    auto *scroll = new QScrollArea(this);
    scroll->setWidget(content);
    scroll->setWidgetResizable(true);
    scroll->setFrameShape(QFrame::NoFrame);
    auto *layout = new QVBoxLayout(this);
    layout->setContentsMargins(0, 0, 0, 0);
    layout->addWidget(scroll);

    connect(m_name, &QLineEdit::textEdited, this, [this] { commit(m_name, tr("Edit name")); });
    connect(m_description, &QPlainTextEdit::textChanged, this,
            [this] { commit(m_description, tr("Edit description")); });
    connect(m_userAgent, &QLineEdit::textEdited, this,
            [this] { commit(m_userAgent, tr("Edit user agent")); });
    connect(m_baseUrl, &QLineEdit::textEdited, this,
            [this] { commit(m_baseUrl, tr("Edit base URL")); });
    connect(m_headers, &QPlainTextEdit::textChanged, this,
            [this] { commit(m_headers, tr("Edit default headers")); });
    for (auto *box : {m_thinkMultiplier, m_thinkMax, m_gracefulStop, m_httpTimeout})
        connect(box, &QDoubleSpinBox::valueChanged, this,
                [this, box] { commit(box, tr("Edit %1").arg(box->accessibleName())); });
    for (auto *box : {m_workers, m_maxRedirects, m_bufferSize})
        connect(box, &QSpinBox::valueChanged, this,
                [this, box] { commit(box, tr("Edit %1").arg(box->accessibleName())); });
    for (auto *box : {m_verifyTls, m_http2})
        connect(box, &QCheckBox::toggled, this, [this, box] { commit(box, box->text()); });
    m_thinkMultiplier->setAccessibleName(tr("think time"));
    m_thinkMax->setAccessibleName(tr("think time cap"));
    m_gracefulStop->setAccessibleName(tr("graceful stop"));
    m_httpTimeout->setAccessibleName(tr("HTTP timeout"));
    m_workers->setAccessibleName(tr("workers"));
    m_maxRedirects->setAccessibleName(tr("redirects"));
    m_bufferSize->setAccessibleName(tr("buffer size"));

    connect(m_document, &ProjectDocument::projectChanged, this, &ProjectSettingsEditor::refresh);
    refresh();
}

int ProjectSettingsEditor::mergeKeyFor(QWidget *widget)
{
    auto it = m_mergeKeys.find(widget);
    if (it == m_mergeKeys.end())
        it = m_mergeKeys.insert(widget, ProjectDocument::newMergeKey());
    return *it;
}

void ProjectSettingsEditor::commit(QWidget *source, const QString &what)
{
    if (m_refreshing)
        return;
    Project next = m_document->project();
    next.name = m_name->text().toStdString();
    next.description = m_description->toPlainText().toStdString();
    next.thinkTime.multiplier = m_thinkMultiplier->value();
    next.thinkTime.maxSeconds = m_thinkMax->value();
    next.gracefulStopSeconds = m_gracefulStop->value();
    next.workers = m_workers->value();
    next.http.timeoutSeconds = m_httpTimeout->value();
    next.http.verifyTls = m_verifyTls->isChecked();
    next.http.http2 = m_http2->isChecked();
    next.http.maxRedirects = m_maxRedirects->value();
    next.http.bufferSize = m_bufferSize->value();
    next.http.userAgent = m_userAgent->text().toStdString();
    next.http.baseUrl = m_baseUrl->text().toStdString();
    next.http.headers = parseHeaderLines(m_headers->toPlainText());
    m_document->apply(next, what, mergeKeyFor(source));
}

void ProjectSettingsEditor::refresh()
{
    const Project &project = m_document->project();
    m_refreshing = true;
    const auto setText = [](QLineEdit *edit, const std::string &text) {
        if (edit->text().toStdString() != text)
            edit->setText(QString::fromStdString(text));
    };
    setText(m_name, project.name);
    setText(m_userAgent, project.http.userAgent);
    setText(m_baseUrl, project.http.baseUrl);
    // Compared as headers, not as text: rewriting what the user is typing would move the cursor.
    if (parseHeaderLines(m_headers->toPlainText()) != project.http.headers)
        m_headers->setPlainText(headerLines(project.http.headers));
    if (m_description->toPlainText().toStdString() != project.description)
        m_description->setPlainText(QString::fromStdString(project.description));
    m_thinkMultiplier->setValue(project.thinkTime.multiplier);
    m_thinkMax->setValue(project.thinkTime.maxSeconds);
    m_gracefulStop->setValue(project.gracefulStopSeconds);
    m_workers->setValue(project.workers);
    m_httpTimeout->setValue(project.http.timeoutSeconds);
    m_verifyTls->setChecked(project.http.verifyTls);
    m_http2->setChecked(project.http.http2);
    m_maxRedirects->setValue(project.http.maxRedirects);
    m_bufferSize->setValue(project.http.bufferSize);

    QStringList feeders;
    for (const DataSourceSettings &feeder : project.data) {
        QString line =
            tr("%1: %2 (%3, %4")
                .arg(QString::fromStdString(feeder.name), QString::fromStdString(feeder.file),
                     QString::fromUtf8(dataFormatName(feeder.effectiveFormat()).data()),
                     QString::fromUtf8(dataStrategyName(feeder.strategy).data()));
        if (feeder.strategy == DataStrategy::Sequential || feeder.strategy == DataStrategy::Unique)
            line += tr(", then %1")
                        .arg(QString::fromUtf8(
                            dataExhaustionName(feeder.effectiveExhaustion()).data()));
        feeders << line + ')';
    }
    m_data->setText(feeders.isEmpty() ? tr("None. Feeders are declared under data: in the "
                                           "project file and read with vu.data(\"name\").")
                                      : feeders.join('\n'));
    m_refreshing = false;
}

} // namespace Loadwizard::Ui
