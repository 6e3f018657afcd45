"""How the gateway answers a report download: bytes, type and a Chinese file name (RFC 5987)."""

import base64
from urllib.parse import unquote

from gateway.files import content_disposition, file_response


class TestContentDisposition:
    def test_carries_an_ascii_fallback_and_the_utf8_chinese_name(self):
        header = content_disposition(
            "民生实事征集报表_东胜区_2027.xlsx", "collection-report-150602-2027.xlsx"
        )

        assert header.startswith('attachment; filename="collection-report-150602-2027.xlsx"; ')
        encoded = header.split("filename*=UTF-8''", 1)[1]
        assert encoded.isascii() and " " not in encoded and ";" not in encoded
        assert unquote(encoded, encoding="utf-8") == "民生实事征集报表_东胜区_2027.xlsx"

    def test_quotes_and_separators_cannot_break_out_of_the_header(self):
        header = content_disposition('a"; b=c\r\n.csv', 'x"; y\r\n.csv')

        assert "\r" not in header and "\n" not in header
        assert header.count('"') == 2
        assert 'filename="x___y__.csv"' in header


class TestFileResponse:
    def test_answers_the_decoded_bytes_with_the_type_and_no_caching(self):
        response = file_response(
            {
                "file_name": "报表.csv",
                "ascii_file_name": "report.csv",
                "content_type": "text/csv; charset=utf-8",
                "content_base64": base64.b64encode("\ufeff项目\r\n".encode()).decode(),
            }
        )

        assert response.status_code == 200
        assert response.get_data() == "\ufeff项目\r\n".encode()
        assert response.headers["Content-Type"] == "text/csv; charset=utf-8"
        assert response.headers["Cache-Control"] == "no-store"
        assert response.headers["X-Content-Type-Options"] == "nosniff"
        assert "filename*=UTF-8''%E6%8A%A5%E8%A1%A8.csv" in response.headers["Content-Disposition"]
