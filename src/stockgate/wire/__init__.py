"""XML and JSON on the wire: parsing requests leniently, writing responses exactly.

The only package that knows element names like order_list or recipient_details.
"""
