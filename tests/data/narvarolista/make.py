"""Build narvarolista.docx and print it to narvarolista.pdf (LibreOffice): a protocol cover
with a närvarolista table (name, party, present/absent/ersättare columns, no rulings).

The names, parties and substitutions are those of the närvarolista of Lomma
kommunfullmäktige 2023-06-01 (../shared/corpus/lomma/KF-2023-06-01.txt), cut down to a
few rows of each kind; the layout is that of a Word närvarolista table. Run once:

    .venv/bin/python tests/data/narvarolista/make.py
"""

import subprocess
from pathlib import Path

from docx import Document
from docx.shared import Cm

HERE = Path(__file__).resolve().parent

ROWS = [
    # name, party, närvarande, frånvarande, tjänstgörande ersättare
    ("Lena Wahlgren, ordförande", "M", "X", "", ""),
    ("Marie Nilsson, 1:e vice ordförande", "M", "X", "", ""),
    ("Robert Wenglén", "M", "X", "", ""),
    ("Emma Köster", "M", "", "X", "Jonna Tingberg"),
    ("Caroline Lindberg", "M", "", "X", "Carl Hammarström"),
    ("Per Bengtsson", "S", "X", "", ""),
    ("Rune Netterlid", "S", "", "X", "Karl-Gustav Nilsson"),
    ("Sandra Pilemalm", "L", "X", "", ""),
    ("Martha Henriksson Witt", "C", "X", "", ""),
    ("Ingrid Ascard", "MP", "", "X", ""),
    ("Oscar Sedira", "SD", "X", "", ""),
    ("Jenny Morau", "FB", "X", "", ""),
]


def main():
    doc = Document()
    doc.add_paragraph("Kommunfullmäktige")
    doc.add_paragraph("Sammanträdesprotokoll")
    doc.add_paragraph("Plats och tid: Lomma kommun, Stora Sessionssalen, 2023-06-01, klockan 18:00-19:36")
    doc.add_paragraph("Närvarolista vid sammanträde med kommunfullmäktige i Lomma kommun 2023-06-01")
    table = doc.add_table(rows=1, cols=5)  # the default style: no rulings
    for cell, text in zip(table.rows[0].cells, ("Ledamot", "Parti", "Närvarande", "Frånvarande", "Tjänstgörande ersättare")):
        cell.text = text
    for row in ROWS:
        for cell, text in zip(table.add_row().cells, row):
            cell.text = text
    table.autofit = False
    for column, width in zip(table.columns, (6.5, 1.5, 2.3, 2.5, 4.5)):
        column.width = Cm(width)
        for cell in column.cells:
            cell.width = Cm(width)
    doc.add_paragraph("Övriga deltagare: Maria Zingmark, kommunsekreterare; Christian Almström, informationstekniker")
    doc.add_paragraph("Paragraf: §61-§62")
    doc.add_paragraph("KF § 61")
    doc.add_paragraph("Meddelanden")
    doc.add_paragraph("Beslut:")
    doc.add_paragraph("Kommunfullmäktige har tagit del av informationen.")
    doc.add_paragraph("KF § 62")
    doc.add_paragraph("Avsägelse")
    doc.add_paragraph("Beslut:")
    doc.add_paragraph("Kommunfullmäktige beslutar att godkänna avsägelsen.")
    docx = HERE / "narvarolista.docx"
    doc.save(docx)
    subprocess.run(["soffice", "--headless", "--convert-to", "pdf", "--outdir", str(HERE), str(docx)], check=True)


if __name__ == "__main__":
    main()
